package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// channelItem is a channel account in the administration API. Tokens are
// write-only: only whether each is set is shown.
type channelItem struct {
	ID             int64     `json:"id"`
	Platform       string    `json:"platform"`
	Unit           string    `json:"unit"`
	AccountID      string    `json:"account_id"`
	AppID          string    `json:"app_id"`
	Name           string    `json:"name"`
	Active         bool      `json:"active"`
	HasAccessToken bool      `json:"has_access_token"`
	HasSecretKey   bool      `json:"has_secret_key"`
	Tickets        int       `json:"tickets"`
	CreatedAt      time.Time `json:"created_at"`
}

func (s *Server) channelItem(a domain.ChannelAccount) channelItem {
	return channelItem{ID: a.ID, Platform: string(a.Platform), Unit: a.UnitCode, AccountID: a.AccountID,
		AppID: a.AppID, Name: a.Name, Active: a.Active, HasAccessToken: len(a.AccessTokenEnc) > 0,
		HasSecretKey: len(a.SecretKeyEnc) > 0, Tickets: a.Tickets, CreatedAt: a.CreatedAt.In(s.Cfg.Location)}
}

// channelAdminRoutes registers the admin API of channel accounts on an admin-only group:
// GET /channels, GET /channels/{id}, POST /channels, PATCH /channels/{id},
// DELETE /channels/{id} (204 when deleted; 200 with the account, inactive,
// when tickets came through it). The store checks role and scope in each query.
func (s *Server) channelAdminRoutes(g *gin.RouterGroup) {
	g.GET("/channels", s.listChannels)
	g.GET("/channels/:id", s.getChannel)
	g.POST("/channels", s.createChannel)
	g.PATCH("/channels/:id", s.patchChannel)
	g.DELETE("/channels/:id", s.deleteChannel)
}

// listChannels handles GET /api/v1/channels.
func (s *Server) listChannels(c *gin.Context) {
	sc := httpx.ScopeOf(c)
	accs, err := s.Store.ListChannelAccounts(c.Request.Context(), &sc)
	respondItems(c, accs, err, s.channelItem)
}

// getChannel handles GET /api/v1/channels/{id}.
func (s *Server) getChannel(c *gin.Context) {
	id, ok := rowParam(c, "kênh", "channel account")
	if !ok {
		return
	}
	sc := httpx.ScopeOf(c)
	a, err := s.Store.GetChannelAccount(c.Request.Context(), &sc, id)
	respond(c, http.StatusOK, s.channelItem(a), err)
}

// channelRequest is the body of POST /api/v1/channels.
type channelRequest struct {
	Platform    string `json:"platform"`
	Unit        string `json:"unit"`
	AccountID   string `json:"account_id"`
	AppID       string `json:"app_id"`
	Name        string `json:"name"`
	AccessToken string `json:"access_token"`
	SecretKey   string `json:"secret_key"`
}

// createChannel handles POST /api/v1/channels: 201 with the account.
func (s *Server) createChannel(c *gin.Context) {
	var req channelRequest
	if !readJSON(c, &req) {
		return
	}
	in := domain.ChannelAccountInput{Unit: req.Unit, Platform: s.ServedPlatform(req.Platform),
		AccountID: strings.TrimSpace(req.AccountID), AppID: req.AppID, Name: req.Name}
	var err error
	if in.AccessTokenEnc, err = s.SealToken(in.Platform, in.AccountID, "access_token", req.AccessToken); err != nil {
		httpx.WriteError(c, err)
		return
	}
	if in.SecretKeyEnc, err = s.SealToken(in.Platform, in.AccountID, "secret_key", req.SecretKey); err != nil {
		httpx.WriteError(c, err)
		return
	}
	sc := httpx.ScopeOf(c)
	a, err := s.Store.CreateChannelAccount(c.Request.Context(), &sc, in)
	respond(c, http.StatusCreated, s.channelItem(a), err)
}

// channelPatch is the body of PATCH /api/v1/channels/{id}; absent fields
// are unchanged, a token set to "" is removed.
type channelPatch struct {
	Unit        *string `json:"unit"`
	AppID       *string `json:"app_id"`
	Name        *string `json:"name"`
	AccessToken *string `json:"access_token"`
	SecretKey   *string `json:"secret_key"`
	Active      *bool   `json:"active"`
}

// patchChannel handles PATCH /api/v1/channels/{id}: 200 with the account.
func (s *Server) patchChannel(c *gin.Context) {
	var req channelPatch
	id, ok := rowBody(c, "kênh", "channel account", &req)
	if !ok {
		return
	}
	sc := httpx.ScopeOf(c)
	ctx := c.Request.Context()
	cur, err := s.Store.GetChannelAccount(ctx, &sc, id)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	u := domain.ChannelAccountUpdate{Unit: req.Unit, AppID: req.AppID, Name: req.Name, Active: req.Active}
	for _, t := range []struct {
		field string
		plain *string
		dst   **[]byte
	}{{"access_token", req.AccessToken, &u.AccessTokenEnc}, {"secret_key", req.SecretKey, &u.SecretKeyEnc}} {
		if t.plain == nil {
			continue
		}
		sealed, err := s.SealToken(cur.Platform, cur.AccountID, t.field, *t.plain)
		if err != nil {
			httpx.WriteError(c, err)
			return
		}
		*t.dst = &sealed
	}
	a, err := s.Store.UpdateChannelAccount(ctx, &sc, id, u)
	respond(c, http.StatusOK, s.channelItem(a), err)
}

// deleteChannel handles DELETE /api/v1/channels/{id}: 204 when the account
// is gone; 200 with it, deactivated, when tickets came in through it (their
// replies still need it).
func (s *Server) deleteChannel(c *gin.Context) {
	id, ok := rowParam(c, "kênh", "channel account")
	if !ok {
		return
	}
	sc := httpx.ScopeOf(c)
	deleted, a, err := s.Store.DeleteChannelAccount(c.Request.Context(), &sc, id)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	if deleted {
		c.Status(http.StatusNoContent)
		return
	}
	c.JSON(http.StatusOK, s.channelItem(a))
}
