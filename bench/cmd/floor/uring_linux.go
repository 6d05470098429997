package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"runtime"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// A minimal io_uring (x86-64 Linux ≥ 6.1), enough for the -uring echo
// server: one ring used from one locked thread, and a ring of provided
// buffers. The layouts are the kernel's (include/uapi/linux/io_uring.h).

const (
	sysIoUringSetup    = 425
	sysIoUringEnter    = 426
	sysIoUringRegister = 427

	setupSingleIssuer = 1 << 12
	setupDeferTaskrun = 1 << 13

	enterGetEvents   = 1
	registerPbufRing = 22

	opAccept = 13
	opSend   = 26
	opRecv   = 27

	sqeBufferSelect = 1 << 5 // sqe.flags
	acceptMultishot = 1 << 0 // sqe.ioprio of an accept
	recvMultishot   = 1 << 1 // sqe.ioprio of a recv
	cqeFMore        = 2      // cqe.flags: the request stays armed

	offSQRing = 0
	offSQEs   = 0x10000000
)

type sqringOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

type cqringOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff                                                                  sqringOffsets
	cqOff                                                                  cqringOffsets
}

type sqe struct {
	opcode   uint8
	flags    uint8
	ioprio   uint16
	fd       int32
	off      uint64
	addr     uint64
	len      uint32
	opFlags  uint32
	userData uint64
	bufIndex uint16
	pers     uint16
	spliceFd int32
	addr3    uint64
	pad      uint64
}

type cqe struct {
	userData uint64
	res      int32
	flags    uint32
}

type ring struct {
	fd         int
	mem, sqMem []byte // the mappings of the rings and of the sqes

	sqHead, sqTail *uint32
	sqMask         uint32
	sqArray        []uint32
	sqes           []sqe
	pending        uint32 // sqes filled but not submitted

	cqHead, cqTail *uint32
	cqMask         uint32
	cqes           []cqe
}

func newRing(entries uint32, flags uint32) (*ring, error) {
	var p uringParams
	p.flags = flags
	fd, _, errno := syscall.Syscall(sysIoUringSetup, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, fmt.Errorf("io_uring_setup: %w", errno)
	}
	r := &ring{fd: int(fd)}
	sqSize := int(p.sqOff.array + p.sqEntries*4)
	cqSize := int(p.cqOff.cqes + p.cqEntries*uint32(unsafe.Sizeof(cqe{})))
	size := max(sqSize, cqSize) // IORING_FEAT_SINGLE_MMAP: both in one
	mem, err := syscall.Mmap(r.fd, offSQRing, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("mmap rings: %v", err)
	}
	sqesMem, err := syscall.Mmap(r.fd, offSQEs, int(p.sqEntries)*64, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("mmap sqes: %v", err)
	}
	r.mem, r.sqMem = mem, sqesMem
	base := unsafe.Pointer(&mem[0])
	r.sqHead = (*uint32)(unsafe.Add(base, p.sqOff.head))
	r.sqTail = (*uint32)(unsafe.Add(base, p.sqOff.tail))
	r.sqMask = *(*uint32)(unsafe.Add(base, p.sqOff.ringMask))
	r.sqArray = unsafe.Slice((*uint32)(unsafe.Add(base, p.sqOff.array)), p.sqEntries)
	r.sqes = unsafe.Slice((*sqe)(unsafe.Pointer(&sqesMem[0])), p.sqEntries)
	r.cqHead = (*uint32)(unsafe.Add(base, p.cqOff.head))
	r.cqTail = (*uint32)(unsafe.Add(base, p.cqOff.tail))
	r.cqMask = *(*uint32)(unsafe.Add(base, p.cqOff.ringMask))
	r.cqes = unsafe.Slice((*cqe)(unsafe.Add(base, p.cqOff.cqes)), p.cqEntries)
	for i := range r.sqArray {
		r.sqArray[i] = uint32(i)
	}
	return r, nil
}

// close unmaps and closes the ring.
func (r *ring) close() {
	syscall.Munmap(r.sqMem)
	syscall.Munmap(r.mem)
	syscall.Close(r.fd)
}

// get returns the next free sqe, submitting first if the ring is full.
func (r *ring) get() *sqe {
	for {
		head := atomic.LoadUint32(r.sqHead)
		tail := *r.sqTail + r.pending
		if tail-head <= r.sqMask {
			s := &r.sqes[tail&r.sqMask]
			*s = sqe{}
			r.pending++
			return s
		}
		r.enter(0)
	}
}

// enter submits what is pending and waits for at least wait completions.
func (r *ring) enter(wait uint32) {
	n := r.pending
	atomic.StoreUint32(r.sqTail, *r.sqTail+n)
	r.pending = 0
	flags := uintptr(0)
	if wait > 0 {
		flags = enterGetEvents
	}
	for {
		var errno syscall.Errno
		if wait > 0 {
			_, _, errno = syscall.Syscall6(sysIoUringEnter, uintptr(r.fd), uintptr(n), uintptr(wait), flags, 0, 0)
		} else {
			_, _, errno = syscall.RawSyscall6(sysIoUringEnter, uintptr(r.fd), uintptr(n), 0, flags|enterGetEvents, 0, 0)
		}
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			log.Fatalf("floor: io_uring_enter: %v", errno)
		}
		return
	}
}

// each calls f for each completion ready, and consumes them.
func (r *ring) each(f func(*cqe)) int {
	head := *r.cqHead
	tail := atomic.LoadUint32(r.cqTail)
	for i := head; i != tail; i++ {
		f(&r.cqes[i&r.cqMask])
	}
	atomic.StoreUint32(r.cqHead, tail)
	return int(tail - head)
}

type bufReg struct {
	ringAddr    uint64
	ringEntries uint32
	bgid        uint16
	flags       uint16
	resv        [3]uint64
}

type ringBuf struct {
	addr uint64
	len  uint32
	bid  uint16
	resv uint16
}

// bufRing is a provided-buffer ring of n buffers of size bytes.
type bufRing struct {
	entries []ringBuf
	tail    *uint16
	mask    uint16
	mem     []byte
	size    int
}

func (r *ring) newBufRing(n, size int, bgid uint16) (*bufRing, error) {
	rm, err := syscall.Mmap(-1, 0, n*16, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_POPULATE)
	if err != nil {
		return nil, err
	}
	reg := bufReg{ringAddr: uint64(uintptr(unsafe.Pointer(&rm[0]))), ringEntries: uint32(n), bgid: bgid}
	if _, _, errno := syscall.Syscall6(sysIoUringRegister, uintptr(r.fd), registerPbufRing, uintptr(unsafe.Pointer(&reg)), 1, 0, 0); errno != 0 {
		return nil, fmt.Errorf("register pbuf ring: %v", errno)
	}
	b := &bufRing{
		entries: unsafe.Slice((*ringBuf)(unsafe.Pointer(&rm[0])), n),
		tail:    (*uint16)(unsafe.Pointer(&rm[14])),
		mask:    uint16(n - 1),
		mem:     make([]byte, n*size),
		size:    size,
	}
	for i := range n {
		b.put(uint16(i))
	}
	return b, nil
}

func (b *bufRing) buf(bid uint16) []byte { return b.mem[int(bid)*b.size : (int(bid)+1)*b.size] }

// put gives buffer bid back to the kernel.
func (b *bufRing) put(bid uint16) {
	t := *b.tail
	e := &b.entries[t&b.mask]
	e.addr = uint64(uintptr(unsafe.Pointer(&b.mem[int(bid)*b.size])))
	e.len = uint32(b.size)
	e.bid = bid
	atomic.AddUint32((*uint32)(unsafe.Pointer(uintptr(unsafe.Pointer(b.tail))-2)), 1<<16) // tail is the high half of this word
}

// uringServer echoes what each connection sends from one thread with
// io_uring, the way an io_uring event loop would: a multishot accept; one
// multishot recv per connection into a ring of provided buffers, so that
// only a send is submitted per message; one io_uring_enter per turn submits
// every send of the turn and waits for the next completions. Task work
// runs only then (single issuer, deferred task work).
func uringServer(addr string) {
	runtime.LockOSThread()
	ln, err := (&net.ListenConfig{KeepAlive: -1}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	lf, err := ln.(*net.TCPListener).File() // a blocking duplicate: the ring waits for it
	if err != nil {
		log.Fatal(err)
	}
	lnFd := int(lf.Fd())
	r, err := newRing(1024, setupSingleIssuer|setupDeferTaskrun)
	if err != nil {
		log.Fatal(err)
	}
	const nbufs = 256
	br, err := r.newBufRing(nbufs, 4096, 0)
	if err != nil {
		log.Fatal(err)
	}
	const (
		kAccept = iota
		kRecv
		kSend
	)
	recv := func(fd int32) {
		s := r.get()
		s.opcode, s.fd, s.flags, s.ioprio, s.bufIndex, s.userData = opRecv, fd, sqeBufferSelect, recvMultishot, 0, uint64(fd)<<32|kRecv
	}
	pending := make([][]byte, nbufs) // by buffer: what is still to send
	send := func(fd int32, bid uint16) {
		b := pending[bid]
		s := r.get()
		s.opcode, s.fd, s.addr, s.len, s.userData = opSend, fd, uint64(uintptr(unsafe.Pointer(&b[0]))), uint32(len(b)), uint64(fd)<<32|uint64(bid)<<8|kSend
	}
	accept := func() {
		s := r.get()
		s.opcode, s.fd, s.ioprio, s.userData = opAccept, int32(lnFd), acceptMultishot, kAccept
	}
	accept()
	fmt.Println("listening")
	for {
		r.enter(1)
		r.each(func(c *cqe) {
			fd := int32(c.userData >> 32)
			switch c.userData & 0xff {
			case kAccept:
				if c.res < 0 {
					log.Fatalf("floor: accept: %v", syscall.Errno(-c.res))
				}
				recv(c.res)
				if c.flags&cqeFMore == 0 {
					accept()
				}
			case kRecv:
				if c.res <= 0 {
					if c.res == -int32(syscall.ENOBUFS) { // out of buffers: the recv ended
						recv(fd)
						return
					}
					syscall.Close(int(fd))
					return
				}
				bid := uint16(c.flags >> 16)
				pending[bid] = br.buf(bid)[:c.res]
				send(fd, bid)
				if c.flags&cqeFMore == 0 {
					recv(fd)
				}
			case kSend:
				bid := uint16(c.userData >> 8)
				if c.res > 0 && int(c.res) < len(pending[bid]) { // a short send: the rest
					pending[bid] = pending[bid][c.res:]
					send(fd, bid)
					return
				}
				if c.res < 0 {
					syscall.Close(int(fd))
				}
				br.put(bid)
			}
		})
	}
}
