// pulumi-resource-terraform-provider: a stand-in for Pulumi's terraform-provider plugin parameterized
// with tencentcloudstack/tencentcloud 1.83.25, for the real engine's tests (test/engine/). The real
// plugin downloads the Terraform provider from a registry this project cannot reach, and calls Tencent
// Cloud; this one answers the same gRPC calls from a model of the cloud (cloud.go, resources.go) whose
// every behaviour BEHAVIOUR.md traces to the provider's source. It models only what the library's
// components use, and refuses everything else by name.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// The version the SDK's package reference asks the engine for (sdks/tencentcloud/utilities.ts,
// baseProviderVersion), and the package it parameterizes to.
const (
	pluginVersion  = "0.10.0"
	packageName    = "tencentcloud"
	packageVersion = "1.83.25"
	// The parameter the SDK sends: registry address and version of the Terraform provider.
	registryURL = "registry.opentofu.org/tencentcloudstack/tencentcloud"
)

type server struct {
	pulumirpc.UnimplementedResourceProviderServer
	parameterized bool
}

func main() {
	if err := provider.Main("terraform-provider", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &server{}, nil
	}); err != nil {
		fmt.Println(err)
	}
}

var unmarshal = plugin.MarshalOptions{KeepUnknowns: true, SkipNulls: true}

func props(s *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(s, unmarshal)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, plugin.MarshalOptions{KeepUnknowns: true, SkipNulls: true})
}

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: pluginVersion}, nil
}

// Parameterize: the value form (what a generated SDK sends) names the package and carries the
// provider's registry address and version; only tencentcloudstack/tencentcloud 1.83.25 is modelled.
func (s *server) Parameterize(_ context.Context, req *pulumirpc.ParameterizeRequest) (*pulumirpc.ParameterizeResponse, error) {
	v := req.GetValue()
	if v == nil {
		return nil, status.Error(codes.InvalidArgument,
			"this stand-in models only the value form of Parameterize (a generated SDK's package reference), not `pulumi package add` arguments")
	}
	var p struct {
		Remote struct {
			URL     string `json:"url"`
			Version string `json:"version"`
		} `json:"remote"`
	}
	if err := json.Unmarshal(v.Value, &p); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "parameter value: %v", err)
	}
	if v.Name != packageName || v.Version != packageVersion || p.Remote.URL != registryURL || p.Remote.Version != packageVersion {
		return nil, status.Errorf(codes.InvalidArgument, "this stand-in models only %s %s from %s; asked for %s %s (%s %s)",
			packageName, packageVersion, registryURL, v.Name, v.Version, p.Remote.URL, p.Remote.Version)
	}
	s.parameterized = true
	return &pulumirpc.ParameterizeResponse{Name: packageName, Version: packageVersion}, nil
}

func (s *server) GetSchema(_ context.Context, req *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	b, _ := json.Marshal(map[string]any{"name": packageName, "version": packageVersion,
		"description": "stand-in: no schema; the project's SDK (sdks/tencentcloud) is hand-kept"})
	return &pulumirpc.GetSchemaResponse{Schema: string(b)}, nil
}

func (s *server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (s *server) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	if !s.parameterized {
		return nil, status.Error(codes.FailedPrecondition, "terraform-provider is configured before Parameterize: it has no provider to run")
	}
	return &pulumirpc.ConfigureResponse{SupportsPreview: true}, nil
}

func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Check applies the schema defaults the bridge fills in for the modelled resources.
func (s *server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := props(req.GetNews())
	if err != nil {
		return nil, err
	}
	if _, err := kindOf(req.GetType()); err != nil {
		return nil, err
	}
	if req.GetType() == tokAttachment && !news.HasValue("workingDirectory") {
		news["workingDirectory"] = resource.NewStringProperty("/root")
	}
	out, err := marshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: out}, nil
}

func (s *server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := props(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	if len(olds) == 0 {
		if olds, err = props(req.GetOlds()); err != nil {
			return nil, err
		}
	}
	news, err := props(req.GetNews())
	if err != nil {
		return nil, err
	}
	changed, replaces, err := diff(req.GetType(), olds, news)
	if err != nil {
		return nil, err
	}
	_ = withCloud(func(_ *Cloud, log func(Call)) error {
		log(Call{Method: "Diff", Type: req.GetType(), URN: req.GetUrn(), ID: req.GetId(), Detail: fmt.Sprintf("changed=%v replaces=%v", changed, replaces)})
		return nil
	})
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed, Replaces: replaces}, nil
}

func (s *server) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	inputs, err := props(req.GetProperties())
	if err != nil {
		return nil, err
	}
	id, outputs, err := create(req.GetType(), req.GetUrn(), inputs, req.GetPreview())
	if err != nil {
		return nil, err
	}
	out, err := marshal(outputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: out}, nil
}

func (s *server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	id, outputs, inputs, err := read(req.GetType(), req.GetUrn(), req.GetId())
	if err != nil {
		return nil, err
	}
	if id == "" {
		return &pulumirpc.ReadResponse{}, nil
	}
	out, err := marshal(outputs)
	if err != nil {
		return nil, err
	}
	in, err := marshal(inputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: id, Properties: out, Inputs: in}, nil
}

func (s *server) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	olds, err := props(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := props(req.GetNews())
	if err != nil {
		return nil, err
	}
	outputs, err := update(req.GetType(), req.GetUrn(), req.GetId(), olds, news, req.GetPreview())
	if err != nil {
		return nil, err
	}
	out, err := marshal(outputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: out}, nil
}

func (s *server) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if err := del(req.GetType(), req.GetUrn(), req.GetId()); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

func (s *server) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := props(req.GetArgs())
	if err != nil {
		return nil, err
	}
	result, err := invoke(req.GetTok(), args.Mappable())
	if err != nil {
		// A provider error travels as a failure, as the bridge reports a data source's error.
		return &pulumirpc.InvokeResponse{Failures: []*pulumirpc.CheckFailure{{Reason: err.Error()}}}, nil
	}
	out, err := marshal(resource.NewPropertyMapFromMap(result))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: out}, nil
}

// base64Of encodes what a command printed, as TAT reports task output.
func base64Of(text string) string { return base64.StdEncoding.EncodeToString([]byte(text)) }
