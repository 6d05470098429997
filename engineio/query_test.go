package engineio

import (
	"net/url"
	"testing"
)

// queryValue and queryHas read a raw query as url.ParseQuery would.
func TestQueryValue(t *testing.T) {
	for _, q := range []string{"", "EIO=4&transport=polling&sid=abc", "sid=a%2Bb&t=1", "x=1&sid=&sid=second", "%73id=esc", "sid=%zz&sid=ok", "a;b=1&sid=c+d", "b64=1", "b64", "b%36%34=1&x", "sid=a=b", "b64=%zz&sid=%zz"} {
		want, _ := url.ParseQuery(q)
		for _, k := range []string{"sid", "EIO", "transport", "b64"} {
			if got := queryValue(q, k); got != want.Get(k) {
				t.Errorf("queryValue(%q, %q) = %q, want %q", q, k, got, want.Get(k))
			}
			if got := queryHas(q, k); got != want.Has(k) {
				t.Errorf("queryHas(%q, %q) = %v, want %v", q, k, got, want.Has(k))
			}
		}
	}
}

// FuzzQueryValue checks that queryValue and queryHas read any raw query as
// url.ParseQuery does: they pick the session, transport and protocol of
// every request.
func FuzzQueryValue(f *testing.F) {
	for _, q := range []string{"EIO=4&transport=polling&sid=abc", "sid=a%2Bb", "%73id=esc", "sid=%zz&sid=ok", "a;b=1&sid=c+d", "sid=a;b", "b64&b64=1", "sid=a=b", "&&sid", "sid=%"} {
		f.Add(q, "sid")
	}
	f.Fuzz(func(t *testing.T, q, k string) {
		want, _ := url.ParseQuery(q)
		if got := queryValue(q, k); got != want.Get(k) {
			t.Errorf("queryValue(%q, %q) = %q, want %q", q, k, got, want.Get(k))
		}
		if got := queryHas(q, k); got != want.Has(k) {
			t.Errorf("queryHas(%q, %q) = %v, want %v", q, k, got, want.Has(k))
		}
	})
}
