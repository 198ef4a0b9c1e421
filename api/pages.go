package api

import "github.com/gin-gonic/gin"

// PageStore is what the web pages ask of the data layer beyond the API's needs.
type PageStore interface{}

// pageRoutes registers the server-rendered web pages and their static files.
func (s *Server) pageRoutes(r *gin.Engine) {}
