package api_test

import (
	"testing"

	"caunoi/internal/apitest"
)

func TestADeactivatedDepartmentTakesNoNewTickets(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	var id int64
	e.MustGet(&id, `SELECT d.id FROM departments d JOIN units u ON u.id = d.unit_id
		WHERE u.code = 'xuan-lung' AND d.code = 'cong-an'`)
	r := e.As(apitest.Admin, "PATCH", "/api/v1/departments/"+itoa(id), map[string]any{"active": false})
	if r.Status != 200 {
		t.Fatalf("deactivate: %d %s", r.Status, r.Body)
	}
	got := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": "Nhà tôi bị trộm mất xe máy đêm qua"})
	dept, _ := got.Map(t)["department"].(map[string]any)
	if got.Status != 201 || dept["code"] != "van-phong" {
		t.Fatalf("a theft with the police deactivated went to %v (%d): want triage", dept, got.Status)
	}
}
