package api

import "github.com/gin-gonic/gin"

// Open311Store is what the Open311 GeoReport v2 endpoints ask of the data layer.
type Open311Store interface{}

// open311Routes registers /open311/v2/.
func (s *Server) open311Routes(r *gin.Engine) {}
