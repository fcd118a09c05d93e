/* guest_image.S — embeds the mini-OS (guests/kernel.bin) and the auxiliary
 * image of app programs (guests/aux.img) in the vmfo binary. */
	.section .rodata
	.globl	vmfo_guest_image, vmfo_guest_image_end
	.balign	4096
vmfo_guest_image:
	.incbin	"guests/kernel.bin"
vmfo_guest_image_end:

/* The auxiliary image: app programs, read by guests through a hypercall. */
	.globl	vmfo_aux_image, vmfo_aux_image_end
	.balign	4096
vmfo_aux_image:
	.incbin	"guests/aux.img"
vmfo_aux_image_end:
	.section .note.GNU-stack, "", @progbits
