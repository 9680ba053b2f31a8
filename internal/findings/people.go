package findings

import (
	"github.com/mamori-sec/mamori/internal/inventory"
)

func peopleChecks() []Check {
	return []Check{
		{
			ID:        "people.departed_active",
			Severity:  Critical,
			Subject:   KindPerson,
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4},
			Run:       runDepartedActive,
		},
		{
			ID:        "people.departed_devices",
			Severity:  High,
			Subject:   KindPerson,
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4},
			Run:       runDepartedDevices,
		},
		{
			ID:        "people.leaving_soon_admin",
			Severity:  Medium,
			Subject:   KindPerson,
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4},
			Run:       runLeavingSoonAdmin,
		},
		{
			ID:        "people.leaver_items_open",
			Severity:  High,
			Subject:   KindPerson,
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4},
			Run:       runLeaverItemsOpen,
		},
		{
			ID:        "people.no_accounts",
			Severity:  Low,
			Subject:   KindPerson,
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Run:       runNoAccounts,
		},
	}
}

func runDepartedActive(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for pi := range s.People {
		if !x.person[pi].left {
			continue
		}
		var ev []Ref
		for _, ai := range x.accByPerson.of(int32(pi)) {
			if x.acc[ai].active {
				ev = append(ev, accountRef(s, ai))
			}
		}
		if len(ev) == 0 {
			continue
		}
		leave := x.person[pi].leave
		emit(Finding{
			Subject:  Ref{KindPerson, s.People[pi].ID},
			Evidence: ev,
			Detail:   Msg("detail.departed_active", leave, int(x.today-leave), len(ev)),
		})
	}
}

func runDepartedDevices(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for pi := range s.People {
		if !x.person[pi].left {
			continue
		}
		var ev []Ref
		for _, di := range x.devByPerson.of(int32(pi)) {
			d := &s.Devices[di]
			if d.Ownership != inventory.BYOD && !s.disposed(d) {
				ev = append(ev, deviceRef(s, di))
			}
		}
		if len(ev) == 0 {
			continue
		}
		emit(Finding{
			Subject:  Ref{KindPerson, s.People[pi].ID},
			Evidence: ev,
			Detail:   Msg("detail.departed_devices", x.person[pi].leave, len(ev)),
		})
	}
}

func runLeavingSoonAdmin(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for pi := range s.People {
		leave := x.person[pi].leave
		if leave == noDay || leave <= x.today || leave > x.today+30 {
			continue
		}
		var ev []Ref
		for _, ai := range x.accByPerson.of(int32(pi)) {
			if a := &x.acc[ai]; a.active && a.admin {
				ev = append(ev, accountRef(s, ai))
			}
		}
		if len(ev) == 0 {
			continue
		}
		emit(Finding{
			Subject:  Ref{KindPerson, s.People[pi].ID},
			Evidence: ev,
			Detail:   Msg("detail.leaving_soon_admin", leave, int(leave-x.today), len(ev)),
		})
	}
}

func runLeaverItemsOpen(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	type late struct {
		due day
		n   int
		ev  []Ref
	}
	byPerson := map[int64]*late{}
	var order []int64
	for _, it := range s.LeaverItems {
		due := parseDay(it.Due)
		if due == noDay || due >= x.today {
			continue
		}
		l := byPerson[it.PersonID]
		if l == nil {
			l = &late{due: due}
			byPerson[it.PersonID] = l
			order = append(order, it.PersonID)
		}
		l.n++
		if it.Subject.ID != 0 {
			l.ev = append(l.ev, it.Subject)
		}
	}
	for _, id := range order {
		if x.people.get(id) < 0 {
			continue
		}
		l := byPerson[id]
		emit(Finding{
			Subject:  Ref{KindPerson, id},
			Evidence: l.ev,
			Detail:   Msg("detail.leaver_items_open", l.due, int(x.today-l.due), l.n),
		})
	}
}

func runNoAccounts(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	if len(s.Accounts) == 0 {
		return // nothing imported yet: every person would fire, which says nothing
	}
	for pi := range s.People {
		p := &x.person[pi]
		if p.left || (p.join != noDay && p.join > x.today) {
			continue
		}
		if len(x.accByPerson.of(int32(pi))) == 0 {
			emit(Finding{Subject: Ref{KindPerson, s.People[pi].ID}})
		}
	}
}
