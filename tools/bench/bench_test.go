package main

import (
	"slices"
	"testing"
	"time"
)

func TestClassifyNamesEveryEndpointOfTheAPI(t *testing.T) {
	cases := []struct {
		method, path string
		want         endpoint
	}{
		{"GET", "/api/notifications/policies", endpointList},
		{"POST", "/api/notifications/policies", endpointCreate},
		{"GET", "/api/notifications/policies/0b7c", endpointGet},
		{"DELETE", "/api/notifications/policies/0b7c", endpointDelete},
		{"POST", "/api/notifications/policies/0b7c/recipients", endpointAddRecipients},
		{"DELETE", "/api/notifications/policies/0b7c/recipients/ops%40example.com", endpointRemoveRecip},
		{"DELETE", "/api/notifications/policies/0b7c/recipients/https:%2F%2Fhooks.example.com%2Fa", endpointRemoveRecip},
		{"POST", "/api/notifications/policies/0b7c/notification-types", endpointAddTypes},
		{"DELETE", "/api/notifications/policies/0b7c/notification-types/INVOICE_ISSUED", endpointRemoveType},
		{"GET", "/api/notifications/policiesX", "other: GET /api/notifications/policiesX"},
		{"PUT", "/api/notifications/policies/0b7c", "other: PUT /api/notifications/policies/0b7c"},
	}
	for _, c := range cases {
		if got := classify(c.method, c.path); got != c.want {
			t.Errorf("classify(%s %s) = %q, want %q", c.method, c.path, got, c.want)
		}
	}
}

// Each update phase must make exactly the one change per policy that the phase's name promises.
func TestEachUpdatePhaseChangesOneElementPerPolicy(t *testing.T) {
	const n = 8
	stages := []struct {
		from, to                      stage
		recipientsAdded, recipRemoved int
		typesAdded, typesRemoved      int
	}{
		{stageCreated, stageRecipientAdded, 1, 0, 0, 0},
		{stageRecipientAdded, stageRecipientRemoved, 0, 1, 0, 0},
		{stageRecipientRemoved, stageTypeChanged, 0, 0, 1, 1},
	}
	for _, s := range stages {
		before, after := buildPolicies(n, s.from), buildPolicies(n, s.to)
		if len(before) != n || len(after) != n {
			t.Fatalf("stage %d to %d: %d and %d policies, want %d", s.from, s.to, len(before), len(after), n)
		}
		for name, b := range before {
			a := after[name]
			if a.Channel != b.Channel {
				t.Errorf("%s: channel changed from %s to %s", name, b.Channel, a.Channel)
			}
			check := func(what string, from, to []string, wantAdded, wantRemoved int) {
				added, removed := difference(to, from), difference(from, to)
				if len(added) != wantAdded || len(removed) != wantRemoved {
					t.Errorf("%s stage %d to %d: %s added %v removed %v, want %d added and %d removed",
						name, s.from, s.to, what, added, removed, wantAdded, wantRemoved)
				}
				if len(to) == 0 {
					t.Errorf("%s stage %d: no %s left", name, s.to, what)
				}
			}
			check("recipients", b.Recipients, a.Recipients, s.recipientsAdded, s.recipRemoved)
			check("types", b.NotificationTypes, a.NotificationTypes, s.typesAdded, s.typesRemoved)
		}
	}
}

func difference(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestMedianTakesTheMiddleOrTheMeanOfTheTwoMiddleValues(t *testing.T) {
	s := time.Second
	cases := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{3 * s}, 3 * s},
		{[]time.Duration{5 * s, 1 * s, 3 * s}, 3 * s},
		{[]time.Duration{4 * s, 1 * s, 2 * s, 3 * s}, 2500 * time.Millisecond},
	}
	for _, c := range cases {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestOnceSelectsAGroupOrOneSubjectAtAPolicyCount(t *testing.T) {
	once, err := parseOnce("tofu@500, terraform_data@500")
	if err != nil {
		t.Fatal(err)
	}
	if len(once["tofu@500"]) != 3 {
		t.Errorf("tofu@500 selects %v, want all three subjects", once["tofu@500"])
	}
	if !once["*@500"][subjectTerraformDat] || len(once["*@500"]) != 1 {
		t.Errorf("terraform_data@500 selects %v, want terraform_data in every CLI's group", once["*@500"])
	}
	for _, bad := range []string{"tofu", "tofu@x", "opentofu@500"} {
		if _, err := parseOnce(bad); err == nil {
			t.Errorf("parseOnce(%q) accepted an invalid value", bad)
		}
	}
}

func TestRateBoundIsRequestsOverTheRate(t *testing.T) {
	if got := rateBound(1100, 600); got != 110*time.Second {
		t.Errorf("rateBound(1100, 600) = %v, want 110s", got)
	}
}

// The single-policy latency phase's minimum writes and target waves follow from its changes:
// one request per collection with additions, one per removed element; one wave for additions,
// one for removals. Removing types re-sends the kept ones with the type additions (keptTypes),
// so a removal of types with none added still sends that one request in the first wave.
func TestWaveChangesMinimumAndTargetFollowFromTheChange(t *testing.T) {
	start, changes := waveChanges()
	diff := func(from, to []string) (added, removed int) {
		for _, s := range to {
			if !slices.Contains(from, s) {
				added++
			}
		}
		for _, s := range from {
			if !slices.Contains(to, s) {
				removed++
			}
		}
		return added, removed
	}
	prev := start
	for _, ch := range changes {
		ra, rr := diff(prev.recipients, ch.recipients)
		ta, tr := diff(prev.types, ch.types)
		if tr > 0 && ta == 0 && len(ch.types) > 0 {
			ta = len(ch.types) // the kept types, sent again
		}
		writes, waves := rr+tr, 0
		for _, n := range []int{ra, ta} {
			if n > 0 {
				writes++
			}
		}
		if ra+ta > 0 {
			waves++
		}
		if rr+tr > 0 {
			waves++
		}
		if ch.writes != writes || ch.targetWaves != waves {
			t.Errorf("%s: writes %d, target waves %d; the change needs %d writes in %d waves", ch.name, ch.writes, ch.targetWaves, writes, waves)
		}
		prev = ch
	}
	if first := changes[0]; first.targetWaves != 2 || first.writes != 15 {
		t.Errorf("the first change is not issue 12's 15-request change in 2 waves: %+v", first)
	}
}
