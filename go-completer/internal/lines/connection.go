package lines

import "fmt"

// The rows of connection settings that cannot be used (exit 2), found after
// the command line and the token, before connecting. FILE is Temporal's
// configuration file: TEMPORAL_CONFIG_FILE, or the SDKs' default path.

// AddressHasScheme: an address written as a URL; scheme is the text before
// "://".
func AddressHasScheme(scheme string) *Failure {
	return usage(fmt.Sprintf("the Temporal address starts with \"%s://\": give HOST:PORT without a scheme, for example localhost:7233, in --address or TEMPORAL_ADDRESS", scheme))
}

// ProfileNotInConfig: TEMPORAL_PROFILE names a profile the file does not hold
// (or there is no file).
func ProfileNotInConfig(profile, file string) *Failure {
	return usage(fmt.Sprintf("the Temporal profile \"%s\" is not in the configuration file \"%s\": set TEMPORAL_PROFILE to one of its profiles, or unset it", profile, file))
}

// CannotReadConfig: the file exists but cannot be read; reason is the OS's.
func CannotReadConfig(file, reason string) *Failure {
	return usage(fmt.Sprintf("cannot read the Temporal configuration file \"%s\": %s", file, reason))
}

// ConfigNotValid: the file is not TOML, or holds a value of the wrong type.
func ConfigNotValid(file string) *Failure {
	return usage(fmt.Sprintf("the Temporal configuration file \"%s\" is not valid (TOML with [profile.NAME] tables of text values): fix it, or point TEMPORAL_CONFIG_FILE at another file", file))
}
