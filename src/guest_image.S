/* guest_image.S — embeds the mini-OS (guests/kernel.bin) in the vmfo binary. */
	.section .rodata
	.globl	vmfo_guest_image, vmfo_guest_image_end
	.balign	4096
vmfo_guest_image:
	.incbin	"guests/kernel.bin"
vmfo_guest_image_end:
	.section .note.GNU-stack, "", @progbits
