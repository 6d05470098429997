//go:build !linux

package netpoll

// Poller is not available on this system: New returns ErrUnsupported.
type Poller struct{}

// New returns ErrUnsupported on this system.
func New() (*Poller, error) { return nil, ErrUnsupported }

// Close does nothing.
func (p *Poller) Close() error { return nil }

// Watch returns ErrUnsupported on this system.
func (p *Poller) Watch(conn any, ready func(*Watch)) (*Watch, error) { return nil, ErrUnsupported }

// Watch is not available on this system.
type Watch struct{}

// HungUp reports false.
func (w *Watch) HungUp() bool { return false }

// Done reports true.
func (w *Watch) Done() bool { return true }

// Stop does nothing.
func (w *Watch) Stop() {}
