package socketio

import (
	"reflect"
	"testing"

	"github.com/ab218a8d/socketio/engineio"
)

// Options carries every Engine.IO option (but InitialPacket, which would
// break Socket.IO's framing), with its type, and engineOptions copies each.
func TestOptionsCarryTheEngineOptions(t *testing.T) {
	et, st := reflect.TypeFor[engineio.Options](), reflect.TypeFor[Options]()
	var o Options
	ov := reflect.ValueOf(&o).Elem()
	for i := range et.NumField() {
		f := et.Field(i)
		if f.Name == "InitialPacket" {
			continue
		}
		sf, ok := st.FieldByName(f.Name)
		if !ok || sf.Type != f.Type {
			t.Errorf("socketio.Options lacks %s %s", f.Name, f.Type)
			continue
		}
		// A non-zero value must reach the engine's options.
		v := ov.FieldByIndex(sf.Index)
		switch v.Kind() {
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int, reflect.Int64:
			v.SetInt(7)
		case reflect.String:
			v.SetString("x")
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
		case reflect.Func:
			v.Set(reflect.MakeFunc(v.Type(), func([]reflect.Value) []reflect.Value { return nil }))
		default:
			t.Fatalf("%s: kind %s not covered", f.Name, v.Kind())
		}
	}
	eo := o.engineOptions()
	ev := reflect.ValueOf(eo)
	for i := range et.NumField() {
		if f := et.Field(i); f.Name != "InitialPacket" && ev.Field(i).IsZero() {
			t.Errorf("engineOptions does not copy %s", f.Name)
		}
	}
}
