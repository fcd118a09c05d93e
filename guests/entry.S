/* entry.S — the mini-OS's first instruction and its interrupt stubs.
 * The VMM enters _start in long mode at CPL0 with RDI = boot info. */
	.section .text.entry, "ax"
	.globl _start
/* Over the kernel's header, which kernel.ld puts right after this jump
 * (struct vmfo_kernel_header, at VMFO_KHDR_OFF: kernel.c). */
_start:
	jmp	start64
	.balign	16

	.text
start64:
	movabs	$kstack_top, %rsp
	xor	%ebp, %ebp
	call	kmain
1:	cli
	hlt
	jmp	1b

/* One stub per vector: push a zero where the CPU pushes no error code, then
 * the vector, so every frame has the same shape (struct frame in kernel.c). */
.macro STUB vec, has_err
	.align 16
stub_\vec:
	.if \has_err == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
.endm

	.text
.irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
	STUB \v, 0
.endr
.irp v, 8,10,11,12,13,14,17,21,29,30
	STUB \v, 1
.endr
/* 64, 65, 255: VMFO_VEC_TIMER, _DOORBELL, _SPURIOUS (asserted in kernel.c) */
	STUB 64, 0
	STUB 65, 0
	STUB 255, 0

trap_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	cld
	call	trap
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp
	iretq

/* The OS's idle task: no state, so it always restarts from the top. */
	.globl	idle_loop
idle_loop:
	sti
	hlt
	jmp	idle_loop

/* Vector numbers and stub addresses, from which the VMM builds the IDT
 * (the kernel's header says where they are). */
	.section .rodata
	.globl	stub_table, stub_table_end
	.align 8
stub_table:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	\v, stub_\v
.endr
	.quad	64, stub_64
	.quad	65, stub_65
	.quad	255, stub_255
stub_table_end:

	.bss
	.align 16
	.globl	kstack_top, ist_top, idle_stack_top
	.space	16384
kstack_top:
	.space	8192
ist_top:
	.space	4096
idle_stack_top:
