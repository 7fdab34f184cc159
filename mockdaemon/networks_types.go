package mockdaemon

import "time"

// The shapes of networks and endpoints in the API, as dockerd's Go types
// (api/types/network) decode and encode them. A field newer than the
// request's API version carries its version in an api tag and is left out
// of the answer (versioned).

// networkCreateRequest is POST /networks/create's body.
type networkCreateRequest struct {
	Name           string
	CheckDuplicate bool
	Driver         string
	Scope          string
	EnableIPv4     *bool
	EnableIPv6     *bool
	IPAM           *ipamSpec
	Internal       bool
	Attachable     bool
	Ingress        bool
	ConfigOnly     bool
	ConfigFrom     *configReferenceNet
	Options        map[string]string
	Labels         map[string]string
}

func (*networkCreateRequest) apiType() string { return "NetworkCreateRequest" }

type configReferenceNet struct {
	Network string
}

// ipamSpec is a network's IPAM, kept as given.
type ipamSpec struct {
	Driver  string
	Options map[string]string
	Config  []ipamConfig
}

// ipamConfig is one IPAM pool as the API shows it.
type ipamConfig struct {
	Subnet     string            `json:",omitempty"`
	IPRange    string            `json:",omitempty"`
	Gateway    string            `json:",omitempty"`
	AuxAddress map[string]string `json:"AuxiliaryAddresses,omitempty"`
}

// networkJSON is a network as inspect and list show it.
type networkJSON struct {
	Name       string
	ID         string `json:"Id"`
	Created    time.Time
	Scope      string
	Driver     string
	EnableIPv4 bool `api:"1.47"`
	EnableIPv6 bool
	IPAM       ipamSpec
	Internal   bool
	Attachable bool
	Ingress    bool
	ConfigFrom configReferenceNet
	ConfigOnly bool
	Containers map[string]networkEndpointJSON
	Options    map[string]string
	Labels     map[string]string
	Peers      []networkPeer `json:",omitempty"`
}

type networkEndpointJSON struct {
	Name        string
	EndpointID  string
	MacAddress  string
	IPv4Address string
	IPv6Address string
}

type networkPeer struct {
	Name string
	IP   string
}

// networkingConfig is a create's NetworkingConfig.
type networkingConfig struct {
	EndpointsConfig map[string]*endpointConfig
}

// endpointConfig is an endpoint's settings as a client gives them: in
// NetworkingConfig.EndpointsConfig at create, in EndpointConfig at
// connect. They are kept as given.
type endpointConfig struct {
	IPAMConfig *endpointIPAMConfig
	Links      []string
	Aliases    []string
	MacAddress string
	DriverOpts map[string]string
	GwPriority int `api:"1.48"`
}

type endpointIPAMConfig struct {
	IPv4Address  string   `json:",omitempty"`
	IPv6Address  string   `json:",omitempty"`
	LinkLocalIPs []string `json:",omitempty"`
}

// endpointSettings is an entry of NetworkSettings.Networks: the settings
// as given and what the endpoint got when its container started.
type endpointSettings struct {
	IPAMConfig          *endpointIPAMConfig
	Links               []string
	Aliases             []string
	MacAddress          string // given (1.44 on) or the endpoint's
	DriverOpts          map[string]string
	GwPriority          int `api:"1.48"`
	NetworkID           string
	EndpointID          string
	Gateway             string
	IPAddress           string
	IPPrefixLen         int
	IPv6Gateway         string
	GlobalIPv6Address   string
	GlobalIPv6PrefixLen int
	DNSNames            []string `api:"1.44"`
}

// networkSettingsJSON is a container's NetworkSettings in inspect.
type networkSettingsJSON struct {
	Bridge                 string `api:"-1.51"`
	SandboxID              string
	HairpinMode            bool   `api:"-1.43"`
	LinkLocalIPv6Address   string `api:"-1.43"`
	LinkLocalIPv6PrefixLen int    `api:"-1.43"`
	Ports                  map[string][]portBinding
	SandboxKey             string
	SecondaryIPAddresses   []string `api:"-1.43"`
	SecondaryIPv6Addresses []string `api:"-1.43"`
	EndpointID             string   `api:"-1.51"`
	Gateway                string   `api:"-1.51"`
	GlobalIPv6Address      string   `api:"-1.51"`
	GlobalIPv6PrefixLen    int      `api:"-1.51"`
	IPAddress              string   `api:"-1.51"`
	IPPrefixLen            int      `api:"-1.51"`
	IPv6Gateway            string   `api:"-1.51"`
	MacAddress             string   `api:"-1.51"`
	Networks               map[string]endpointSettings
}
