package client

import "sync"

// maxQueuedIn bounds what a Manager's handler queue holds of the server's
// events, in bytes: a server that sends faster than the handlers go
// makes the connection's reader wait, instead of growing the queue.
const maxQueuedIn = 1 << 20

// dispatcher runs the user's callbacks of one Manager on one goroutine,
// one at a time, in the order they were posted. The goroutine lives only
// while there is something to run.
type dispatcher struct {
	mu      sync.Mutex
	queue   []job      // guarded by mu
	head    int        // guarded by mu: the next job
	queued  int        // guarded by mu: the cost of the jobs waiting
	running bool       // guarded by mu: a goroutine runs the queue
	closed  bool       // guarded by mu: the Manager is closed; posts with a cost are dropped
	room    *sync.Cond // on mu: signalled when queued goes down
}

type job struct {
	f    func()
	cost int
}

func newDispatcher() *dispatcher {
	d := &dispatcher{}
	d.room = sync.NewCond(&d.mu)
	return d
}

// post queues f. A job with a cost (an event of the server's) waits for
// room in the queue first, and is dropped if the dispatcher is closed
// meanwhile or stop reports true.
func (d *dispatcher) post(f func(), cost int, stop func() bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if cost > 0 {
		for d.queued > 0 && d.queued+cost > maxQueuedIn && !d.closed && !stop() {
			d.room.Wait()
		}
		if d.closed || stop() {
			return
		}
	}
	d.queue = append(d.queue, job{f, cost})
	d.queued += cost
	if !d.running {
		d.running = true
		go d.run()
	}
}

func (d *dispatcher) run() {
	d.mu.Lock()
	for d.head < len(d.queue) {
		j := d.queue[d.head]
		d.queue[d.head] = job{}
		if d.head++; d.head == len(d.queue) {
			d.queue, d.head = d.queue[:0], 0
		}
		if j.cost > 0 {
			d.queued -= j.cost
			d.room.Broadcast()
		}
		d.mu.Unlock()
		j.f()
		d.mu.Lock()
	}
	d.running = false
	if cap(d.queue) > 64 {
		d.queue = nil
	}
	d.mu.Unlock()
}

// close drops the jobs with a cost (the server's events) that wait, and
// those posted until open: what a closed Manager received is not handled.
// Jobs without a cost (the handlers told of the close, among others) run.
func (d *dispatcher) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	waiting := d.queue[d.head:]
	n := 0
	for _, j := range waiting {
		if j.cost > 0 {
			d.queued -= j.cost
			continue
		}
		waiting[n] = j
		n++
	}
	clear(waiting[n:])
	d.queue = d.queue[:d.head+n]
	d.room.Broadcast()
}

// open undoes close.
func (d *dispatcher) open() {
	d.mu.Lock()
	d.closed = false
	d.mu.Unlock()
}

// wake makes posts that wait for room look again at their stop condition.
func (d *dispatcher) wake() {
	d.mu.Lock()
	d.room.Broadcast()
	d.mu.Unlock()
}
