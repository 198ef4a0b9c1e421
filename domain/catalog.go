package domain

// Catalog is a unit's reference data, with its routing table and working
// calendar built once: what intake needs without a query per rule.
type Catalog struct {
	Unit        Unit
	Departments []Department
	Categories  []Category
	Rules       []Rule
	TriageID    int64
	Routing     *RoutingTable
	Calendar    *WorkCalendar
	KindRules   map[Kind]KindRule
}

// Department returns the department with that id.
func (c *Catalog) Department(id int64) (Department, bool) {
	for _, d := range c.Departments {
		if d.ID == id {
			return d, true
		}
	}
	return Department{}, false
}

// DepartmentByCode returns the department with that code.
func (c *Catalog) DepartmentByCode(code string) (Department, bool) {
	for _, d := range c.Departments {
		if d.Code == code {
			return d, true
		}
	}
	return Department{}, false
}

// Category returns the category with that id.
func (c *Catalog) Category(id int64) (Category, bool) {
	for _, x := range c.Categories {
		if x.ID == id {
			return x, true
		}
	}
	return Category{}, false
}

// CategoryByCode returns the category with that code.
func (c *Catalog) CategoryByCode(code string) (Category, bool) {
	for _, x := range c.Categories {
		if x.Code == code {
			return x, true
		}
	}
	return Category{}, false
}

// ActiveCategories returns the categories citizens may choose.
func (c *Catalog) ActiveCategories() []Category {
	out := make([]Category, 0, len(c.Categories))
	for _, x := range c.Categories {
		if x.Active {
			out = append(out, x)
		}
	}
	return out
}
