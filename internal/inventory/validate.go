package inventory

// Validate names the first field of a service that is wrong.
func (s *Service) Validate() error { return Services.Check(s) }

// Validate names the first field of an account that is wrong.
func (a *Account) Validate() error { return Accounts.Check(a) }

// Validate names the first field of a device that is wrong.
func (d *Device) Validate() error { return Devices.Check(d) }

// Validate names the first field of an asset that is wrong; C, I and A
// are rated 1–3, 0 meaning not rated yet.
func (a *Asset) Validate() error { return Assets.Check(a) }

// Validate names the first field of a share that is wrong.
func (s *Share) Validate() error { return Shares.Check(s) }
