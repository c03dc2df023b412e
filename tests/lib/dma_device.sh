# SPDX-License-Identifier: GPL-2.0
# The module's dma_device parameter (kbufmap(4)), for the guest tests.
# borrow_virtio_pci: new DMA buffers come from a PCI device virtio-pci
# drives (every guest has them; coherent, on arm64's virt machine too);
# prints the value set, or fails. dma_device_own: back to the module's own.
dma_device_param=/sys/module/kbufmap/parameters/dma_device
borrow_virtio_pci() {
	local pci
	pci=$(ls /sys/bus/pci/drivers/virtio-pci 2>/dev/null | grep -m1 '^[0-9a-f]*:') &&
		echo "pci:$pci" >"$dma_device_param" && echo "pci:$pci"
}
dma_device_own() { echo misc >"$dma_device_param"; }
