package sequence

import (
	"slices"
	"testing"
)

func TestSetDifference(t *testing.T) {
	tests := []struct {
		name              string
		key               func(string) string
		current, planned  []string
		wantAdd, wantDrop []string
	}{
		{"e-mail letter case is no change", RecipientSetKey(ChannelEmail),
			[]string{"Ops@Example.com"}, []string{"ops@example.com"}, nil, nil},
		{"Unicode folding, not lower-casing", RecipientSetKey(ChannelEmail),
			[]string{"ſam@example.com", "i̇@example.com"}, []string{"SAM@example.com", "İ@example.com"},
			[]string{"İ@example.com"}, []string{"i̇@example.com"}},
		{"webhook URLs compare exactly", RecipientSetKey(ChannelWebhook),
			[]string{"https://hooks.example.com/A"}, []string{"https://hooks.example.com/a"},
			[]string{"https://hooks.example.com/a"}, []string{"https://hooks.example.com/A"}},
		{"sorted, one spelling per key, the first met", RecipientSetKey(ChannelEmail),
			[]string{"z@example.com", "b@example.com", "B@example.com"}, []string{"y@example.com", "X@example.com", "x@example.com"},
			[]string{"X@example.com", "y@example.com"}, []string{"b@example.com", "z@example.com"}},
		{"notification types compare exactly", NotificationTypeKey,
			[]string{"INVOICE_CREATED", "INVOICE_ISSUED"}, []string{"invoice_created", "INVOICE_ISSUED", "INVOICE_ISSUED"},
			[]string{"invoice_created"}, []string{"INVOICE_CREATED"}},
		{"from all types to some adds each", NotificationTypeKey,
			nil, []string{"QUOTE_SIGNED", "INVOICE_ISSUED"}, []string{"INVOICE_ISSUED", "QUOTE_SIGNED"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			add, remove := SetDifference(tt.current, tt.planned, tt.key)
			if !slices.Equal(add, tt.wantAdd) || !slices.Equal(remove, tt.wantDrop) {
				t.Errorf("SetDifference(%q, %q) = add %q, remove %q; want add %q, remove %q",
					tt.current, tt.planned, add, remove, tt.wantAdd, tt.wantDrop)
			}
			if same := SameSet(tt.current, tt.planned, tt.key); same != (len(tt.wantAdd) == 0 && len(tt.wantDrop) == 0) {
				t.Errorf("SameSet(%q, %q) = %v, but the difference is add %q, remove %q", tt.current, tt.planned, same, add, remove)
			}
		})
	}
}

func TestSetKeys(t *testing.T) {
	got := SetKeys([]string{"b@example.com", "A@example.com", "a@example.com", "B@Example.com"}, RecipientSetKey(ChannelEmail))
	if want := []string{RecipientKey(ChannelEmail, "a@example.com"), RecipientKey(ChannelEmail, "b@example.com")}; !slices.Equal(got, want) {
		t.Errorf("SetKeys = %q, want %q", got, want)
	}
	if got := SetKeys([]string{"B", "A", "a", "B"}, NotificationTypeKey); !slices.Equal(got, []string{"A", "B", "a"}) {
		t.Errorf("SetKeys of types = %q, want exact members sorted without duplicates", got)
	}
}

func TestKeepPriorSpelling(t *testing.T) {
	emailKey := RecipientSetKey(ChannelEmail)
	got := KeepPriorSpelling([]string{"ops@example.com", "new@example.com", "ſam@example.com"},
		[]string{"Ops@Example.COM", "SAM@example.com", "gone@example.com"}, emailKey)
	if want := []string{"Ops@Example.COM", "new@example.com", "SAM@example.com"}; !slices.Equal(got, want) {
		t.Errorf("KeepPriorSpelling = %q, want %q", got, want)
	}
	members := []string{"ops@example.com"}
	if got := KeepPriorSpelling(members, nil, emailKey); !slices.Equal(got, members) {
		t.Errorf("without a prior: %q, want %q", got, members)
	}
	if got := KeepPriorSpelling([]string{"https://h.example.com/a"}, []string{"https://h.example.com/A"}, RecipientSetKey(ChannelWebhook)); got[0] != "https://h.example.com/a" {
		t.Errorf("a webhook URL took the spelling of another URL: %q", got)
	}
}

func TestQuoteAll(t *testing.T) {
	if got, want := QuoteAll([]string{"a", `b"c`, "d, e"}), `"a", "b\"c", "d, e"`; got != want {
		t.Errorf("QuoteAll = %s, want %s", got, want)
	}
	if got := QuoteAll(nil); got != "" {
		t.Errorf("QuoteAll(nil) = %q, want empty", got)
	}
}

func TestSetIntersection(t *testing.T) {
	members := []string{"z@example.com", "Ops@Example.com", "new@example.com", "ops@example.com"}
	got := SetIntersection(members, []string{"OPS@example.com", "z@example.com"}, RecipientSetKey(ChannelEmail))
	if want := []string{"z@example.com", "Ops@Example.com", "ops@example.com"}; !slices.Equal(got, want) {
		t.Errorf("SetIntersection = %q, want %q (members in their order, spellings as they are)", got, want)
	}
	if members[2] != "new@example.com" {
		t.Errorf("SetIntersection changed its argument: %q", members)
	}
	if got := SetIntersection([]string{"INVOICE_ISSUED"}, []string{"invoice_issued"}, NotificationTypeKey); len(got) != 0 {
		t.Errorf("notification types differing in case intersect: %q", got)
	}
}
