package api

import (
	"context"
	"time"

	"caunoi/domain"
)

// Store is what the HTTP layer asks of the data layer; *repository.Store
// satisfies it. Every staff method takes the caller's scope.
type Store interface {
	Open311Store
	AdminStore
	WebhookStore
	ChannelAdminStore
	ReportStore
	PageStore
	NotificationStore

	Ping(ctx context.Context) error

	ListUnits(ctx context.Context) ([]domain.Unit, error)
	SingleUnit(ctx context.Context) (domain.Unit, error)
	CatalogByCode(ctx context.Context, code string) (*domain.Catalog, error)

	CreateTicket(ctx context.Context, unitID int64, nt domain.NewTicket) (domain.Created, error)
	TicketForCitizen(ctx context.Context, code string) (domain.PublicTicket, error)
	AddCitizenMessage(ctx context.Context, code, body string) error
	RateTicket(ctx context.Context, code string, score int, comment string) error

	Catalog(ctx context.Context, unitID int64) (*domain.Catalog, error)
	UserByEmail(ctx context.Context, email string) (domain.User, string, error)
	UserByID(ctx context.Context, id int64) (domain.User, error)
	TouchLogin(ctx context.Context, id int64, at time.Time) error
	RehashPassword(ctx context.Context, id int64, oldHash, newHash string) error
	CreateRefreshToken(ctx context.Context, userID int64, family string, hash []byte) error
	RotateRefreshToken(ctx context.Context, oldHash, newHash []byte) (domain.User, string, error)
	RenewSession(ctx context.Context, oldHash, newHash []byte, grace time.Duration) (domain.User, string, error)
	RevokeRefreshFamily(ctx context.Context, hash []byte) (string, error)
	SessionOpen(ctx context.Context, family string) (bool, error)
	RevokeSession(ctx context.Context, family string) error

	ListTickets(ctx context.Context, sc domain.Scope, f domain.TicketFilter) ([]domain.TicketItem, *domain.Cursor, error)
	TicketDetail(ctx context.Context, sc domain.Scope, id int64) (domain.TicketDetail, error)
	TicketIDByCode(ctx context.Context, sc domain.Scope, code string) (int64, error)
	UpdateTicket(ctx context.Context, sc domain.Scope, id int64, u domain.TicketUpdate) error
	ChangeStatus(ctx context.Context, sc domain.Scope, id int64, to domain.Status, note string) (domain.Status, error)
	AddReply(ctx context.Context, sc domain.Scope, id int64, body string) (domain.ReplyResult, error)
	AddNote(ctx context.Context, sc domain.Scope, id int64, body string) error
	Extend(ctx context.Context, sc domain.Scope, id int64, amount int, reason string) (time.Time, error)
	Merge(ctx context.Context, sc domain.Scope, id int64, intoCode string) (string, error)
	SimilarTickets(ctx context.Context, sc domain.Scope, id int64) ([]domain.TicketItem, error)
	InScopeUnit(ctx context.Context, sc domain.Scope, unitCode string) (bool, error)
	DepartmentStaff(ctx context.Context, sc domain.Scope, departmentID int64) ([]domain.User, error)
	AddTicketPhoto(ctx context.Context, ticketID int64, name, contentType string, data []byte) error
}
