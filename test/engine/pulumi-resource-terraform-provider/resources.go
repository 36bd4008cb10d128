// What the modelled resources and data sources do. Each behaviour names its source in BEHAVIOUR.md
// (provider: tencentcloudstack/terraform-provider-tencentcloud v1.83.25, commit f6970a90).
package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const (
	tokInstance   = "tencentcloud:index/instance:Instance"
	tokCommand    = "tencentcloud:index/tatCommand:TatCommand"
	tokAttachment = "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment"

	tokGetImages    = "tencentcloud:index/getImages:getImages"
	tokGetAgent     = "tencentcloud:index/getTatAgent:getTatAgent"
	tokGetTask      = "tencentcloud:index/getTatInvocationTask:getTatInvocationTask"
	tokGetInstances = "tencentcloud:index/getInstances:getInstances"
)

// instanceForceNew: arguments of tencentcloud_instance whose schema says ForceNew (resource_tc_instance.go,
// the line of each in BEHAVIOUR.md); dataDisks is decided by dataDisksReplace.
var instanceForceNew = map[string]bool{
	"availabilityZone": true, "dedicatedClusterId": true, "dedicatedResourcePackTenancy": true, "dedicatedResourcePackIds": true,
	"spotMaxPrice": true, "cdhHostId": true, "allocatePublicIp": true, "ipv4AddressType": true, "ipv6AddressType": true,
	"ipv6AddressCount": true, "antiDdosPackageId": true, "systemDiskEncrypt": true, "systemDiskKmsKeyId": true,
	"hpcClusterId": true, "cpuTopology": true, "launchTemplateId": true, "launchTemplateVersion": true,
}

// dataDiskForceNew: fields of a data_disks element with their own ForceNew (schema lines 365-423).
var dataDiskForceNew = []string{"dataDiskType", "dataDiskSnapshotId", "deleteWithInstance", "deleteWithInstancePrepaid", "kmsKeyId", "encrypt", "throughputPerformance"}

// refusedWhileRunning: in-place changes Tencent refuses on a RUNNING instance unless one of the inputs is true.
var refusedWhileRunning = map[string][]string{
	"password": {"forceStop"}, "keyIds": {"forceStop"}, "keyName": {"forceStop"},
	"systemDiskType": {"forceStop", "systemDiskResizeOnline"}, "systemDiskSize": {"forceStop", "systemDiskResizeOnline"},
}

func kindOf(typ string) (string, error) {
	switch typ {
	case tokInstance, tokCommand, tokAttachment:
		return typ, nil
	}
	return "", status.Errorf(codes.Unimplemented, "this stand-in does not model %s (it models %s, %s, %s)", typ, tokInstance, tokCommand, tokAttachment)
}

func tencentError(code, message string) error {
	return fmt.Errorf("[TencentCloudSDKError] Code=%s, Message=%s", code, message)
}

// diff: the keys whose value changed, and those of them that replace the resource.
func diff(typ string, olds, news resource.PropertyMap) ([]string, []string, error) {
	if _, err := kindOf(typ); err != nil {
		return nil, nil, err
	}
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var changed, replaces []string
	for k := range keys {
		o, n := olds[k], news[k]
		if n.ContainsUnknowns() || !o.DeepEquals(n) {
			if o.IsNull() && n.IsNull() {
				continue
			}
			changed = append(changed, string(k))
		}
	}
	sort.Strings(changed)
	for _, k := range changed {
		switch typ {
		case tokAttachment:
			// Every argument is ForceNew; the resource has no Update.
			replaces = append(replaces, k)
		case tokInstance:
			replace := instanceForceNew[k]
			if k == "dataDisks" {
				replace = news["dataDisks"].ContainsUnknowns() || dataDisksReplace(olds["dataDisks"], news["dataDisks"])
			}
			if (k == "userData" || k == "userDataRaw") && news["userDataReplaceOnChange"].IsBool() && news["userDataReplaceOnChange"].BoolValue() {
				replace = true
			}
			if replace {
				replaces = append(replaces, k)
			}
		}
	}
	return changed, replaces, nil
}

func dataDisksReplace(o, n resource.PropertyValue) bool {
	var a, b []resource.PropertyValue
	if o.IsArray() {
		a = o.ArrayValue()
	}
	if n.IsArray() {
		b = n.ArrayValue()
	}
	if len(a) != len(b) {
		return true
	}
	for i := range a {
		if !a[i].IsObject() || !b[i].IsObject() {
			return !a[i].DeepEquals(b[i])
		}
		for _, f := range dataDiskForceNew {
			if !a[i].ObjectValue()[resource.PropertyKey(f)].DeepEquals(b[i].ObjectValue()[resource.PropertyKey(f)]) {
				return true
			}
		}
	}
	return false
}

func computed() resource.PropertyValue { return resource.MakeComputed(resource.NewStringProperty("")) }

func create(typ, urn string, inputs resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	if _, err := kindOf(typ); err != nil {
		return "", nil, err
	}
	if preview {
		outputs := inputs.Copy()
		switch typ {
		case tokInstance:
			for _, k := range []string{"privateIp", "publicIp", "osName", "instanceStatus", "createTime"} {
				outputs[resource.PropertyKey(k)] = computed()
			}
		case tokAttachment:
			outputs["invocationId"] = computed()
		}
		_ = withCloud(func(_ *Cloud, log func(Call)) error {
			log(Call{Method: "Create", Type: typ, URN: urn, Preview: true})
			return nil
		})
		return "", outputs, nil
	}
	in := inputs.Mappable()
	switch typ {
	case tokInstance:
		return createInstance(urn, in)
	case tokCommand:
		return createCommand(urn, in)
	default:
		return createAttachment(urn, in)
	}
}

func createInstance(urn string, in map[string]any) (string, resource.PropertyMap, error) {
	settings, err := readSettings()
	if err != nil {
		return "", nil, err
	}
	var id string
	var outputs map[string]any
	err = withCloud(func(c *Cloud, log func(Call)) error {
		id = c.newID("ins-")
		osName := "Windows Server"
		for _, image := range settings.Images {
			if image["imageId"] == in["imageId"] {
				osName, _ = image["osName"].(string)
			}
		}
		outputs = copyMap(in)
		if ip, fixed := in["privateIp"].(string); fixed && ip != "" {
			for _, other := range c.Instances {
				if other.Outputs["privateIp"] == ip {
					return tencentError("VpcIpIsUsed", fmt.Sprintf("the private IP %s is used by %s", ip, other.ID))
				}
			}
		} else {
			outputs["privateIp"] = fmt.Sprintf("10.0.%d.%d", (c.Counter/250)%250, c.Counter%250+2)
		}
		if in["allocatePublicIp"] == true {
			outputs["publicIp"] = fmt.Sprintf("203.0.113.%d", c.Counter%250+2)
		}
		outputs["osName"] = osName
		outputs["instanceStatus"] = "RUNNING"
		outputs["createTime"] = time.Now().UTC().Format(time.RFC3339)
		c.Instances[id] = &Record{ID: id, Inputs: in, Outputs: outputs, Status: "RUNNING"}
		log(Call{Method: "Create", Type: tokInstance, URN: urn, ID: id, Detail: "RunInstances"})
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return id, resource.NewPropertyMapFromMap(outputs), nil
}

func commandNameTaken(c *Cloud, name any, except string) bool {
	for id, cmd := range c.Commands {
		if id != except && cmd.Inputs["commandName"] == name {
			return true
		}
	}
	return false
}

func createCommand(urn string, in map[string]any) (string, resource.PropertyMap, error) {
	var id string
	err := withCloud(func(c *Cloud, log func(Call)) error {
		if commandNameTaken(c, in["commandName"], "") {
			return tencentError("InvalidParameterValue.CommandNameDuplicated", fmt.Sprintf("command name %v already exists", in["commandName"]))
		}
		id = c.newID("cmd-")
		c.Commands[id] = &Record{ID: id, Inputs: in, Outputs: copyMap(in)}
		log(Call{Method: "Create", Type: tokCommand, URN: urn, ID: id, Detail: "CreateCommand"})
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return id, resource.NewPropertyMapFromMap(copyMap(in)), nil
}

func agentOnline(inst *Record, s *Settings) bool {
	return inst.Status == "RUNNING" && inst.AgentPolls > s.AgentOfflinePolls
}

// createTimeout: the resource's Terraform timeouts block (the `timeouts` input), else the schema's
// default; the engine's customTimeouts (CreateRequest.timeout) never reaches a dynamically bridged provider.
func createTimeout(in map[string]any) (time.Duration, error) {
	if t, ok := in["timeouts"].(map[string]any); ok {
		if v, ok := t["create"].(string); ok && v != "" {
			return time.ParseDuration(v)
		}
	}
	return 20 * time.Minute, nil
}

func createAttachment(urn string, in map[string]any) (string, resource.PropertyMap, error) {
	settings, err := readSettings()
	if err != nil {
		return "", nil, err
	}
	instanceID, _ := in["instanceId"].(string)
	commandID, _ := in["commandId"].(string)
	var invocationID string
	err = withCloud(func(c *Cloud, log func(Call)) error {
		inst := c.Instances[instanceID]
		if inst == nil {
			return fmt.Errorf("model: instance %s is not in this cloud model", instanceID)
		}
		if c.Commands[commandID] == nil {
			return tencentError("ResourceNotFound.CommandNotFound", fmt.Sprintf("command %s not found", commandID))
		}
		if inst.Status != "RUNNING" {
			return tencentError("ResourceUnavailable.InstanceStateNotRunning", fmt.Sprintf("the instance %s is not running", instanceID))
		}
		if !agentOnline(inst, settings) {
			return tencentError("ResourceUnavailable.AgentStatusNotOnline", fmt.Sprintf("the agent of instance %s is not online", instanceID))
		}
		invocationID = c.newID("inv-")
		c.Invocations[invocationID] = &Invocation{InvocationID: invocationID, InstanceID: instanceID, CommandID: commandID,
			Status: "PENDING", Output: base64Of(settings.TaskOutput), Inputs: in,
			CreatedTime: fmt.Sprintf("2026-01-01 %08d", c.Counter)}
		log(Call{Method: "Create", Type: tokAttachment, URN: urn, ID: invocationID + "#" + instanceID, Detail: "InvokeCommand"})
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	// The provider polls DescribeInvocations until the invocation is SUCCESS, for the create timeout.
	timeout, err := createTimeout(in)
	if err != nil {
		return "", nil, err
	}
	deadline := time.Now().Add(timeout)
	for {
		var state string
		err := withCloud(func(c *Cloud, log func(Call)) error {
			inv := c.Invocations[invocationID]
			inv.Polls++
			if inv.Polls > settings.InvocationPolls {
				inv.Status = settings.InvocationResult
			} else {
				inv.Status = "RUNNING"
			}
			state = inv.Status
			log(Call{Method: "Poll", Type: tokAttachment, URN: urn, ID: invocationID + "#" + instanceID, Detail: "DescribeInvocations " + state})
			return nil
		})
		if err != nil {
			return "", nil, err
		}
		if state == "SUCCESS" {
			break
		}
		if time.Now().After(deadline) {
			return "", nil, fmt.Errorf("invocation %s is %s and not SUCCESS at the end of the create timeout (%v): "+
				"the provider polls for SUCCESS only", invocationID, state, timeout)
		}
		sleep(settings)
	}
	outputs := copyMap(in)
	outputs["invocationId"] = invocationID
	return invocationID + "#" + instanceID, resource.NewPropertyMapFromMap(outputs), nil
}

// read: the resource as the cloud has it now; an empty ID when the provider's Read calls d.SetId("").
func read(typ, urn, id string) (string, resource.PropertyMap, resource.PropertyMap, error) {
	if _, err := kindOf(typ); err != nil {
		return "", nil, nil, err
	}
	var outID string
	var outputs, inputs map[string]any
	err := withCloud(func(c *Cloud, log func(Call)) error {
		var rec *Record
		switch typ {
		case tokInstance:
			rec = c.Instances[id]
			if rec != nil && rec.Status == "LAUNCH_FAILED" {
				rec = nil
			}
		case tokCommand:
			rec = c.Commands[id]
		case tokAttachment:
			invocationID, _, _ := strings.Cut(id, "#")
			if inv := c.Invocations[invocationID]; inv != nil && !inv.Expired {
				outputs = copyMap(inv.Inputs)
				outputs["invocationId"] = invocationID
				rec = &Record{ID: id, Inputs: inv.Inputs, Outputs: outputs}
			}
		}
		if rec == nil {
			log(Call{Method: "Read", Type: typ, URN: urn, ID: id, Detail: "not found: SetId(\"\")"})
			return nil
		}
		outID, outputs, inputs = rec.ID, rec.Outputs, rec.Inputs
		if typ == tokInstance {
			outputs = copyMap(outputs)
			outputs["instanceStatus"] = rec.Status
		}
		log(Call{Method: "Read", Type: typ, URN: urn, ID: id})
		return nil
	})
	if err != nil || outID == "" {
		return "", nil, nil, err
	}
	return outID, resource.NewPropertyMapFromMap(outputs), resource.NewPropertyMapFromMap(inputs), nil
}

func update(typ, urn, id string, olds, news resource.PropertyMap, preview bool) (resource.PropertyMap, error) {
	if _, err := kindOf(typ); err != nil {
		return nil, err
	}
	if typ == tokAttachment {
		return nil, status.Error(codes.Internal, "tencentcloud_tat_invocation_invoke_attachment has no Update: every argument is ForceNew")
	}
	if preview || news.ContainsUnknowns() {
		merged := olds.Copy()
		for k, v := range news {
			merged[k] = v
		}
		return merged, nil
	}
	in := news.Mappable()
	var outputs map[string]any
	err := withCloud(func(c *Cloud, log func(Call)) error {
		switch typ {
		case tokInstance:
			rec := c.Instances[id]
			if rec == nil {
				return tencentError("InvalidInstanceId.NotFound", fmt.Sprintf("instance %s not found", id))
			}
			changed, _, _ := diff(typ, resource.NewPropertyMapFromMap(rec.Inputs), news)
			if rec.Status == "RUNNING" {
				for _, k := range changed {
					if unless, ok := refusedWhileRunning[k]; ok && !anyTrue(in, unless) {
						return tencentError("UnsupportedOperation.InstanceStateRunning",
							fmt.Sprintf("changing %s needs the instance stopped (or %s set to true)", k, strings.Join(unless, " or ")))
					}
				}
			}
			outputs = copyMap(rec.Outputs)
			for k, v := range in {
				outputs[k] = v
			}
			rec.Inputs, rec.Outputs = in, outputs
			log(Call{Method: "Update", Type: typ, URN: urn, ID: id, Detail: fmt.Sprintf("changed=%v", changed)})
		case tokCommand:
			rec := c.Commands[id]
			if rec == nil {
				return tencentError("ResourceNotFound.CommandNotFound", fmt.Sprintf("command %s not found", id))
			}
			if commandNameTaken(c, in["commandName"], id) {
				return tencentError("InvalidParameterValue.CommandNameDuplicated", fmt.Sprintf("command name %v already exists", in["commandName"]))
			}
			rec.Inputs, rec.Outputs = in, copyMap(in)
			outputs = rec.Outputs
			log(Call{Method: "Update", Type: typ, URN: urn, ID: id, Detail: "ModifyCommand"})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return resource.NewPropertyMapFromMap(outputs), nil
}

func del(typ, urn, id string) error {
	if _, err := kindOf(typ); err != nil {
		return err
	}
	return withCloud(func(c *Cloud, log func(Call)) error {
		switch typ {
		case tokInstance:
			delete(c.Instances, id)
			log(Call{Method: "Delete", Type: typ, URN: urn, ID: id, Detail: "TerminateInstances"})
		case tokCommand:
			delete(c.Commands, id)
			log(Call{Method: "Delete", Type: typ, URN: urn, ID: id, Detail: "DeleteCommand"})
		case tokAttachment:
			invocationID, _, _ := strings.Cut(id, "#")
			inv := c.Invocations[invocationID]
			if inv == nil || inv.Expired {
				log(Call{Method: "Delete", Type: typ, URN: urn, ID: id, Detail: "CancelInvocation: InvocationNotFound"})
				return tencentError("ResourceNotFound.InvocationNotFound", fmt.Sprintf("invocation %s not found", invocationID))
			}
			if inv.Status != "SUCCESS" {
				inv.Status = "CANCELLED"
			}
			log(Call{Method: "Delete", Type: typ, URN: urn, ID: id, Detail: "CancelInvocation"})
		}
		return nil
	})
}

func invoke(tok string, args map[string]any) (map[string]any, error) {
	settings, err := readSettings()
	if err != nil {
		return nil, err
	}
	var result map[string]any
	err = withCloud(func(c *Cloud, log func(Call)) error {
		switch tok {
		case tokGetImages:
			result, err = getImages(settings, args)
		case tokGetAgent:
			ids := stringList(args["instanceIds"])
			if len(ids) > 100 {
				return tencentError("InvalidParameterValue.LimitExceeded", "at most 100 instances per call")
			}
			sets := []any{}
			for _, id := range ids {
				inst := c.Instances[id]
				if inst == nil {
					continue
				}
				inst.AgentPolls++
				agent := "Offline"
				if agentOnline(inst, settings) {
					agent = "Online"
				}
				sets = append(sets, map[string]any{"instanceId": id, "agentStatus": agent, "environment": "Windows", "version": "", "lastHeartbeatTime": "", "supportFeatures": []any{}})
			}
			result = map[string]any{"id": "agents", "instanceIds": ids, "automationAgentSets": sets}
		case tokGetInstances:
			ids := stringList(args["instanceSetIds"])
			if len(ids) > 100 {
				return fmt.Errorf("instance_set_ids: attribute supports 100 item maximum, config has %d declared", len(ids))
			}
			list := []any{}
			for _, id := range ids {
				if inst := c.Instances[id]; inst != nil {
					list = append(list, map[string]any{"instanceId": id, "status": inst.Status, "imageId": inst.Inputs["imageId"],
						"osName": inst.Outputs["osName"], "instanceName": inst.Inputs["instanceName"], "privateIp": inst.Outputs["privateIp"]})
				}
			}
			result = map[string]any{"id": "instances", "instanceSetIds": ids, "instanceLists": list}
		case tokGetTask:
			// DescribeInvocationTasks: every filter must match (invocation-id, instance-id, command-id);
			// tasks in the order the invocations were made.
			filters := map[string][]string{}
			for _, f := range anyList(args["filters"]) {
				if m, ok := f.(map[string]any); ok {
					name, _ := m["name"].(string)
					filters[name] = stringList(m["values"])
				}
			}
			matches := func(want []string, have string) bool {
				if want == nil {
					return true
				}
				for _, w := range want {
					if w == have {
						return true
					}
				}
				return false
			}
			ids := make([]string, 0, len(c.Invocations))
			for id := range c.Invocations {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			sets := []any{}
			for _, id := range ids {
				inv := c.Invocations[id]
				if inv.Expired || !matches(filters["invocation-id"], inv.InvocationID) ||
					!matches(filters["instance-id"], inv.InstanceID) || !matches(filters["command-id"], inv.CommandID) {
					continue
				}
				exitCode := 0
				if inv.Status != "SUCCESS" {
					exitCode = 1
				}
				sets = append(sets, map[string]any{"invocationId": inv.InvocationID, "instanceId": inv.InstanceID, "commandId": inv.CommandID,
					"invocationSource": "USER", "createdTime": inv.CreatedTime,
					"taskStatus": inv.Status, "taskResults": []any{map[string]any{"exitCode": exitCode, "output": inv.Output}}})
			}
			result = map[string]any{"id": "tasks", "invocationTaskSets": sets}
		default:
			return status.Errorf(codes.Unimplemented, "this stand-in does not model the function %s", tok)
		}
		if err == nil {
			b, _ := json.Marshal(args)
			log(Call{Method: "Invoke", Type: tok, Detail: string(b)})
		}
		return err
	})
	return result, err
}

func getImages(s *Settings, args map[string]any) (map[string]any, error) {
	var re *regexp.Regexp
	if v, _ := args["imageNameRegex"].(string); v != "" {
		var err error
		if re, err = regexp.Compile(v); err != nil {
			return nil, fmt.Errorf("image_name_regex format error,%s", err.Error())
		}
	}
	osName, _ := args["osName"].(string)
	imageID, _ := args["imageId"].(string)
	types := stringList(args["imageTypes"])
	var found []map[string]any
	for _, image := range s.Images {
		if imageID != "" && image["imageId"] != imageID {
			continue
		}
		if len(types) > 0 && !contains(types, fmt.Sprint(image["imageType"])) {
			continue
		}
		name := fmt.Sprint(image["imageName"])
		os := fmt.Sprint(image["osName"])
		if (osName != "" || re != nil) &&
			!(osName != "" && strings.Contains(strings.ToLower(os), strings.ToLower(osName))) &&
			!(re != nil && re.MatchString(name)) {
			continue
		}
		found = append(found, image)
	}
	// sortImages: newest first by CreatedTime parsed as RFC 3339 (an unparsable time counts as zero).
	created := func(image map[string]any) time.Time {
		t, _ := time.Parse(time.RFC3339, fmt.Sprint(image["createdTime"]))
		return t
	}
	sort.SliceStable(found, func(i, j int) bool { return created(found[i]).After(created(found[j])) })
	images := make([]any, len(found))
	for i, image := range found {
		images[i] = image
	}
	result := copyMap(args)
	result["id"] = "images"
	result["images"] = images
	return result, nil
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func anyList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return nil
}

func stringList(v any) []string {
	var out []string
	for _, x := range anyList(v) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func anyTrue(m map[string]any, keys []string) bool {
	for _, k := range keys {
		if reflect.DeepEqual(m[k], true) {
			return true
		}
	}
	return false
}
