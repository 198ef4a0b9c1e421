// Package ui is Cầu Nối's server-rendered pages: the citizen's form and
// tracking page (citizen.go, track.go), the staff's sign-in, queue and ticket
// page (session.go, queue.go, ticket.go), the leader's dashboard and report
// (leader.go) and the administration (admin*.go). Their templates, texts and
// view models are in web.
package ui
