package sequencetest

import (
	"slices"
	"testing"
	"time"
)

func TestWaves(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	req := func(path string, arrived, answered int) Request {
		r := Request{Method: "DELETE", Path: path, Arrived: at(arrived)}
		if answered >= 0 {
			r.Answered = at(answered)
		}
		return r
	}
	tests := []struct {
		name     string
		requests []Request
		want     [][]string
	}{
		{name: "no requests", want: nil},
		{
			name:     "one after the other are one wave each",
			requests: []Request{req("a", 0, 150), req("b", 151, 300), req("c", 300, 450)},
			want:     [][]string{{"a"}, {"b"}, {"c"}},
		},
		{
			name:     "overlapping requests are one wave, whatever the log order",
			requests: []Request{req("b", 2, 152), req("a", 0, 150), req("c", 1, 149)},
			want:     [][]string{{"a", "c", "b"}},
		},
		{
			name:     "a request that starts while an earlier one is in flight joins its wave",
			requests: []Request{req("a", 0, 150), req("b", 140, 290), req("c", 280, 430), req("d", 431, 500)},
			want:     [][]string{{"a", "b", "c"}, {"d"}},
		},
		{
			name:     "two waves of a policy update",
			requests: []Request{req("add1", 0, 150), req("add2", 1, 151), req("rm1", 152, 302), req("rm2", 153, 303), req("rm3", 153, 301)},
			want:     [][]string{{"add1", "add2"}, {"rm1", "rm2", "rm3"}},
		},
		{
			name:     "a request never answered counts as answered on arrival",
			requests: []Request{req("a", 0, -1), req("b", 10, 20), req("c", 15, 30)},
			want:     [][]string{{"a"}, {"b", "c"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]string
			for _, w := range Waves(tt.requests) {
				var paths []string
				for _, r := range w {
					paths = append(paths, r.Path)
				}
				got = append(got, paths)
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal[[]string]) {
				t.Errorf("Waves = %q, want %q", got, tt.want)
			}
		})
	}
}
