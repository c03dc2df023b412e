// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer library's one export (tracer_api.h). Everything else in the
 * library is hidden (-fvisibility=hidden), so its calls to its own
 * functions never bind to kbufmapctl's stubs of the same names.
 */
#include "tracer_api.h"

__attribute__((visibility("default")))
const struct kbm_tracer_api kbm_tracer_api = {
	.version = KBUFMAP_VERSION,
	.size = sizeof(struct kbm_tracer_api),
	.start = ft_tracer_start,
	.fail = ft_tracer_fail,
	.detach = ft_tracer_detach,
	.destroy = ft_tracer_destroy,
	.mode = ft_tracer_mode,
	.mode_reason = ft_tracer_mode_reason,
	.nslots = ft_tracer_nslots,
	.slot = ft_tracer_slot,
	.desc = ft_tracer_desc,
	.opts = ft_tracer_opts,
	.mapping_range = ft_tracer_mapping_range,
	.snapshot = ft_tracer_snapshot,
};
