package telework

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
)

func TestDevices(t *testing.T) {
	today, _ := calendar.ParseISO("2026-04-01")
	names := Names{Router: "自宅ルーター（山田）", PC: "私物PC（山田）"}
	a := Answers{RouterPassword: inventory.No, RouterFirmware: inventory.Yes, ScreenLock: inventory.Yes, Where: CompanyCloud}
	got := Devices(a, 7, names, today, inventory.Device{}, inventory.Device{})
	if len(got) != 1 || got[0].Kind != inventory.Router || got[0].DefaultPasswordChanged != inventory.No || got[0].LastUpdated != "2026-04-01" ||
		got[0].Ownership != inventory.BYOD || got[0].Network != inventory.Home || got[0].PersonID != 7 {
		t.Fatalf("without a personal PC: got %+v, want the router only", got)
	}
	a.PersonalPC, a.OSUpdates = inventory.Yes, inventory.No
	cur := inventory.Device{ID: 3, Name: "私物PC（山田）", DiskEncryption: inventory.Yes, LastUpdated: "2025-01-01"}
	got = Devices(a, 7, names, today, inventory.Device{}, cur)
	if len(got) != 2 || got[1].ID != 3 || got[1].DiskEncryption != inventory.Yes || got[1].ScreenLock != inventory.Yes || got[1].LastUpdated != "2025-01-01" {
		t.Fatalf("with a personal PC: got %+v, want the existing PC updated, what it knew kept", got)
	}
	if err := (Answers{RouterPassword: "perhaps", Where: USB}).Check(); err == nil {
		t.Error("an answer that is not yes, no or unknown is accepted")
	}
	if err := (Answers{}).Check(); err == nil {
		t.Error("a declaration without the place of work files is accepted")
	}
}
