package main

import (
	"errors"
	"testing"
)

func TestCopyIndexBuildsTheSameIndexOnTheCopy(t *testing.T) {
	for _, c := range []struct{ def, want string }{
		{"CREATE UNIQUE INDEX tickets_pkey ON public.tickets USING btree (id)",
			"CREATE UNIQUE INDEX bench_copy_idx_7 ON bench_copy_tickets USING btree (id)"},
		{"CREATE INDEX tickets_queue_due ON public.tickets USING btree (due_at, id) INCLUDE (unit_id, search_vector) WHERE (status = ANY (ARRAY['new'::text]))",
			"CREATE INDEX bench_copy_idx_7 ON bench_copy_tickets USING btree (due_at, id) INCLUDE (unit_id, search_vector) WHERE (status = ANY (ARRAY['new'::text]))"},
		{"CREATE INDEX ticket_events_ticket ON public.ticket_events USING btree (ticket_id, id)",
			"CREATE INDEX bench_copy_idx_7 ON bench_copy_events USING btree (ticket_id, id)"},
		{"CREATE INDEX \"Search Words\" ON tickets USING gin (search_vector) WHERE (body <> 'a\nb'::text)",
			"CREATE INDEX bench_copy_idx_7 ON bench_copy_tickets USING gin (search_vector) WHERE (body <> 'a\nb'::text)"},
	} {
		got, err := copyIndex(c.def, 7)
		if err != nil || got != c.want {
			t.Errorf("copyIndex(%q) = %q, %v; want %q", c.def, got, err, c.want)
		}
	}
	for _, def := range []string{
		"CREATE INDEX units_parent ON public.units USING btree (parent_id)", // not a table the seed loads
		"CREATE INDEX x ON public.ticketsx USING btree (id)",
		"CREATE INDEX x ON ONLY public.tickets USING btree (id)",
		"",
	} {
		if got, err := copyIndex(def, 1); err == nil {
			t.Errorf("copyIndex(%q) = %q, want an error", def, got)
		}
	}
}

func TestInParallelRunsEveryOneAndReturnsAnError(t *testing.T) {
	ran := make([]bool, 3)
	fail := errors.New("second failed")
	err := inParallel(len(ran), func(i int) error {
		ran[i] = true
		if i == 1 {
			return fail
		}
		return nil
	})
	if err != fail {
		t.Errorf("inParallel = %v, want %v", err, fail)
	}
	for i, r := range ran {
		if !r {
			t.Errorf("f(%d) did not run", i)
		}
	}
	if err := inParallel(2, func(int) error { return nil }); err != nil {
		t.Errorf("inParallel of successes = %v", err)
	}
}
