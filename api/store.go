package api

import (
	"context"

	"caunoi/domain"
)

// Store is what the HTTP layer asks of the data layer; *repository.Store
// satisfies it. Every staff method takes the caller's scope.
type Store interface {
	Open311Store

	Ping(ctx context.Context) error

	ListUnits(ctx context.Context) ([]domain.Unit, error)
	SingleUnit(ctx context.Context) (domain.Unit, error)
	CatalogByCode(ctx context.Context, code string) (*domain.Catalog, error)

	CreateTicket(ctx context.Context, unitID int64, nt domain.NewTicket) (domain.Created, error)
	TicketForCitizen(ctx context.Context, code string) (domain.PublicTicket, error)
	AddCitizenMessage(ctx context.Context, code, body string) error
	RateTicket(ctx context.Context, code string, score int, comment string) error
}
