package temporalconn

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"

	"github.com/async-completion/go-completer/internal/lines"
)

// loadConfig loads Temporal's environment configuration with envconfig. It
// reads the configuration file first itself, because envconfig's errors are
// text that does not say which of the page's rows applies: a file that cannot
// be read, one that is not valid, or a TEMPORAL_PROFILE it does not hold. Its
// errors are *lines.Failure.
func loadConfig() (client.Options, error) {
	path := configFilePath()
	var data []byte
	if path != "" {
		var err error
		data, err = os.ReadFile(path)
		// A file that does not exist is no error, as for envconfig: the
		// defaults and the environment apply.
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return client.Options{}, lines.CannotReadConfig(path, lines.OSReason(err))
		}
	}
	var config envconfig.ClientConfig
	if err := config.FromTOML(data, envconfig.ClientConfigFromTOMLOptions{}); err != nil {
		return client.Options{}, lines.ConfigNotValid(configFileName(path))
	}
	// envconfig treats an empty TEMPORAL_PROFILE as unset, and so do we.
	if profile := os.Getenv("TEMPORAL_PROFILE"); profile != "" && config.Profiles[profile] == nil {
		return client.Options{}, lines.ProfileNotInConfig(profile, configFileName(path))
	}
	// The bytes already read, so that envconfig loads the file that was checked.
	options, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{ConfigFileData: data})
	if err != nil {
		return client.Options{}, lines.ConfigNotLoaded(err)
	}
	return options, nil
}

// configFilePath is the file envconfig reads: TEMPORAL_CONFIG_FILE when set
// and not empty, else its default path, "" when there is none (neither
// XDG_CONFIG_HOME nor HOME is set).
func configFilePath() string {
	if path := os.Getenv("TEMPORAL_CONFIG_FILE"); path != "" {
		return path
	}
	return envconfig.DefaultConfigFilePath()
}

// configFileName is the file as the page names it in a line: the path read,
// or, when there was none to read, the default path written as the page
// writes it.
func configFileName(path string) string {
	if path != "" {
		return path
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		dir = filepath.Join(os.Getenv("HOME"), ".config")
	}
	return filepath.Join(dir, "temporalio", "temporal.toml")
}

// checkAddress refuses an address written as a URL (http://host:7233,
// dns:///host:7233): gRPC would take some schemes as its own resolvers and
// fail others in words about something else.
func checkAddress(address string) error {
	if scheme, _, found := strings.Cut(address, "://"); found {
		return lines.AddressHasScheme(scheme)
	}
	return nil
}
