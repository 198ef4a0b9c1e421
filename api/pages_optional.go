package api

import (
	"context"

	"caunoi/domain"
)

// Abilities the pages use when the Store has them, found by type assertion
// so that the pages build and work before the repository provides them.

// photoStore keeps a citizen's photo with the ticket it came with. The
// repository function wanted (see the report of issue 8): insert into
// attachments (ticket_id, type 'image', name, content_type, data).
type photoStore interface {
	AddTicketPhoto(ctx context.Context, ticketID int64, name, contentType string, data []byte) error
}

// colleagueStore lists the active staff of a department within the caller's
// scope, for the assign form.
type colleagueStore interface {
	DepartmentStaff(ctx context.Context, sc domain.Scope, departmentID int64) ([]domain.User, error)
}
