package api

import (
	"net/http"

	"caunoi/internal/httpx"

	"github.com/gin-gonic/gin"
)

type unitItem struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Level  string  `json:"level"`
	Parent *string `json:"parent"`
}

// listUnits handles GET /api/v1/units.
func (s *Server) listUnits(c *gin.Context) {
	units, err := s.Store.ListUnits(c.Request.Context())
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	items := make([]unitItem, len(units))
	for i, u := range units {
		items[i] = unitItem{Code: u.Code, Name: u.Name, Level: string(u.Level)}
		if u.ParentCode != "" {
			p := u.ParentCode
			items[i].Parent = &p
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type categoryItem struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// listUnitCategories handles GET /api/v1/units/{unit}/categories.
func (s *Server) listUnitCategories(c *gin.Context) {
	cat, err := s.Store.CatalogByCode(c.Request.Context(), c.Param("unit"))
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	active := cat.ActiveCategories()
	items := make([]categoryItem, len(active))
	for i, x := range active {
		items[i] = categoryItem{Code: x.Code, Name: x.Name}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
