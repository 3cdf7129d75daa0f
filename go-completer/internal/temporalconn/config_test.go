package temporalconn

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/async-completion/go-completer/internal/lines"
)

// cleanEnvironment keeps the developer's Temporal settings out of the tests,
// and points HOME at an empty folder. The variables are unset, not emptied:
// envconfig turns TLS on for a TEMPORAL_TLS_* variable that is set, even to
// nothing.
func cleanEnvironment(t *testing.T) (home string) {
	t.Helper()
	home = t.TempDir()
	t.Setenv("HOME", home)
	for _, name := range []string{"XDG_CONFIG_HOME", "TEMPORAL_CONFIG_FILE", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY",
		"TEMPORAL_PROFILE", "TEMPORAL_CLIENT_AUTHORITY", "TEMPORAL_TLS", "TEMPORAL_TLS_CLIENT_CERT_PATH", "TEMPORAL_TLS_CLIENT_CERT_DATA",
		"TEMPORAL_TLS_CLIENT_KEY_PATH", "TEMPORAL_TLS_CLIENT_KEY_DATA", "TEMPORAL_TLS_SERVER_CA_CERT_PATH", "TEMPORAL_TLS_SERVER_CA_CERT_DATA",
		"TEMPORAL_TLS_SERVER_NAME", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"} {
		t.Setenv(name, "") // restores the variable after the test
		os.Unsetenv(name)
	}
	return home
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOptionsNameTheConfigurationFileThatCannotBeUsed(t *testing.T) {
	profileLine := func(profile, file string) string {
		return lines.ProfileNotInConfig(profile, file).Message
	}
	tests := []struct {
		name string
		// setup sets the environment, given the test's HOME; it returns the
		// line wanted.
		setup func(t *testing.T, home string) string
	}{
		{"a profile the file does not hold", func(t *testing.T, home string) string {
			file := writeFile(t, filepath.Join(home, "temporal.toml"), "[profile.default]\naddress = \"h:1\"\n")
			t.Setenv("TEMPORAL_CONFIG_FILE", file)
			t.Setenv("TEMPORAL_PROFILE", "nope")
			return profileLine("nope", file)
		}},
		{"a profile and no file: the default path under HOME", func(t *testing.T, home string) string {
			t.Setenv("TEMPORAL_PROFILE", "staging")
			return profileLine("staging", filepath.Join(home, ".config", "temporalio", "temporal.toml"))
		}},
		{"a profile and no file: the default path under XDG_CONFIG_HOME", func(t *testing.T, home string) string {
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "xdg"))
			t.Setenv("TEMPORAL_PROFILE", "staging")
			return profileLine("staging", filepath.Join(home, "xdg", "temporalio", "temporal.toml"))
		}},
		{"a profile and a TEMPORAL_CONFIG_FILE that does not exist", func(t *testing.T, home string) string {
			t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(home, "none.toml"))
			t.Setenv("TEMPORAL_PROFILE", "staging")
			return profileLine("staging", filepath.Join(home, "none.toml"))
		}},
		{"a profile in the default file that it does not hold", func(t *testing.T, home string) string {
			file := writeFile(t, filepath.Join(home, ".config", "temporalio", "temporal.toml"), "[profile.other]\n")
			t.Setenv("TEMPORAL_PROFILE", "staging")
			return profileLine("staging", file)
		}},
		{"not TOML", func(t *testing.T, home string) string {
			file := writeFile(t, filepath.Join(home, "temporal.toml"), "this is [not toml\n")
			t.Setenv("TEMPORAL_CONFIG_FILE", file)
			return lines.ConfigNotValid(file).Message
		}},
		{"a value of the wrong type", func(t *testing.T, home string) string {
			file := writeFile(t, filepath.Join(home, "temporal.toml"), "[profile.default]\naddress = 5\n")
			t.Setenv("TEMPORAL_CONFIG_FILE", file)
			return lines.ConfigNotValid(file).Message
		}},
		{"an invalid file is named before a missing profile", func(t *testing.T, home string) string {
			file := writeFile(t, filepath.Join(home, ".config", "temporalio", "temporal.toml"), "[profile]\ndefault = 1\n")
			t.Setenv("TEMPORAL_PROFILE", "staging")
			return lines.ConfigNotValid(file).Message
		}},
		{"a file that cannot be read", func(t *testing.T, home string) string {
			t.Setenv("TEMPORAL_CONFIG_FILE", home)
			t.Setenv("TEMPORAL_PROFILE", "x")
			return `cannot read the Temporal configuration file "` + home + `": is a directory`
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := cleanEnvironment(t)
			want := tt.setup(t, home)
			_, err := Options(Flags{RPCTimeout: time.Second})
			var failure *lines.Failure
			if !errors.As(err, &failure) || failure.Code != lines.ExitUsage || failure.Message != want {
				t.Errorf("Options() error = %v\nwant exit 2, %q", err, want)
			}
		})
	}
}

func TestOptionsFromTheConfiguration(t *testing.T) {
	tests := []struct {
		name          string
		file          string
		env           map[string]string
		flags         Flags
		wantAddress   string
		wantNamespace string
	}{
		{"defaults, no file", "", nil, Flags{}, "localhost:7233", "default"},
		{"a file that does not exist and no profile", "-", nil, Flags{}, "localhost:7233", "default"},
		{"the default profile", "[profile.default]\naddress = \"file:1\"\nnamespace = \"filens\"\n", nil, Flags{}, "file:1", "filens"},
		{"the named profile", "[profile.default]\naddress = \"file:1\"\n[profile.staging]\naddress = \"staging:2\"\n",
			map[string]string{"TEMPORAL_PROFILE": "staging"}, Flags{}, "staging:2", "default"},
		{"an empty TEMPORAL_PROFILE is no profile", "", map[string]string{"TEMPORAL_PROFILE": ""}, Flags{}, "localhost:7233", "default"},
		{"the environment over the file", "[profile.default]\naddress = \"file:1\"\n",
			map[string]string{"TEMPORAL_ADDRESS": "env:3"}, Flags{}, "env:3", "default"},
		{"the flags over the environment", "", map[string]string{"TEMPORAL_ADDRESS": "env:3", "TEMPORAL_NAMESPACE": "envns"},
			Flags{Address: "flag:4", Namespace: "flagns"}, "flag:4", "flagns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := cleanEnvironment(t)
			switch tt.file {
			case "":
			case "-":
				t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(home, "none.toml"))
			default:
				t.Setenv("TEMPORAL_CONFIG_FILE", writeFile(t, filepath.Join(home, "temporal.toml"), tt.file))
			}
			for name, value := range tt.env {
				t.Setenv(name, value)
			}
			tt.flags.RPCTimeout = 3 * time.Second
			options, err := Options(tt.flags)
			if err != nil {
				t.Fatalf("Options() error = %v", err)
			}
			if options.HostPort != tt.wantAddress || options.Namespace != tt.wantNamespace {
				t.Errorf("Options() = %s namespace %s, want %s namespace %s", options.HostPort, options.Namespace, tt.wantAddress, tt.wantNamespace)
			}
			if options.RPCTimeout != 3*time.Second || options.ConnectionOptions.GetSystemInfoTimeout != 3*time.Second || options.Logger == nil {
				t.Errorf("Options() timeouts %v, %v, logger %v", options.RPCTimeout, options.ConnectionOptions.GetSystemInfoTimeout, options.Logger)
			}
		})
	}
}

func TestOptionsRefuseAnAddressWithAScheme(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		env        string
		flag       string
		wantScheme string
	}{
		{"http in --address", "", "", "http://127.0.0.1:7233", "http"},
		{"dns in TEMPORAL_ADDRESS", "", "dns:///localhost:7233", "", "dns"},
		{"unix in the profile", "[profile.default]\naddress = \"unix:///tmp/temporal.sock\"\n", "", "", "unix"},
		{"any text before ://", "", "", "my scheme://x", "my scheme"},
		{"the flag's address is the one checked", "", "h:1", "passthrough:///h:1", "passthrough"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := cleanEnvironment(t)
			if tt.file != "" {
				t.Setenv("TEMPORAL_CONFIG_FILE", writeFile(t, filepath.Join(home, "temporal.toml"), tt.file))
			}
			if tt.env != "" {
				t.Setenv("TEMPORAL_ADDRESS", tt.env)
			}
			_, err := Options(Flags{Address: tt.flag, RPCTimeout: time.Second})
			want := lines.AddressHasScheme(tt.wantScheme)
			var failure *lines.Failure
			if !errors.As(err, &failure) || *failure != *want {
				t.Errorf("Options() error = %v, want %+v", err, want)
			}
		})
	}
	t.Run("an address given by the flag without a scheme is used", func(t *testing.T) {
		cleanEnvironment(t)
		t.Setenv("TEMPORAL_ADDRESS", "http://env:1")
		if options, err := Options(Flags{Address: "h:1"}); err != nil || options.HostPort != "h:1" {
			t.Errorf("Options() = %s, %v", options.HostPort, err)
		}
	})
}
