// The model of Tencent Cloud this stand-in provider answers from. One JSON file (cloud.json) in the
// directory named by TENCENTCLOUD_MODEL_DIR holds the cloud, so every plugin process the engine starts
// (preview, up, refresh, destroy) sees one cloud; settings.json beside it is written by the test
// (images, the task output, how many polls an invocation takes), and calls.jsonl is the call log.
// BEHAVIOUR.md beside this file gives the source of each behaviour.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Settings are the test's choices for this cloud (settings.json).
type Settings struct {
	// Images is the region's image catalog (DescribeImages).
	Images []map[string]any `json:"images"`
	// TaskOutput is what a command prints on the instance (TAT stores it base64-encoded).
	TaskOutput string `json:"taskOutput"`
	// InvocationPolls is how many DescribeInvocations answers an invocation stays PENDING/RUNNING.
	InvocationPolls int `json:"invocationPolls"`
	// InvocationResult is the invocation's final status: SUCCESS (default), FAILED or TIMEOUT.
	InvocationResult string `json:"invocationResult"`
	// PollIntervalMs is the wait between two DescribeInvocations calls while a create polls.
	PollIntervalMs int `json:"pollIntervalMs"`
	// AgentOfflinePolls is how many DescribeAutomationAgentStatus answers a new instance's agent is Offline.
	AgentOfflinePolls int `json:"agentOfflinePolls"`
}

// Record is one cloud object: its ID, what was asked for and what the cloud reports.
type Record struct {
	ID      string         `json:"id"`
	Inputs  map[string]any `json:"inputs"`
	Outputs map[string]any `json:"outputs"`
	// Status is an instance's InstanceState.
	Status string `json:"status,omitempty"`
	// AgentPolls counts the agent-status answers for an instance.
	AgentPolls int `json:"agentPolls,omitempty"`
}

// Invocation is TAT's record of one InvokeCommand on one instance.
type Invocation struct {
	InvocationID string `json:"invocationId"`
	InstanceID   string `json:"instanceId"`
	CommandID    string `json:"commandId"`
	Status       string `json:"status"`
	Polls        int    `json:"polls"`
	// CreatedTime orders the invocations as they were made (InvocationTask.CreatedTime).
	CreatedTime string `json:"createdTime,omitempty"`
	// Output is base64 of what the command printed.
	Output string `json:"output"`
	// Expired: TAT no longer keeps this record (a test sets it).
	Expired bool `json:"expired,omitempty"`
	// Inputs are the attachment's arguments, which the provider's Read sets back from DescribeInvocations.
	Inputs map[string]any `json:"inputs"`
}

// Cloud is the whole of cloud.json.
type Cloud struct {
	Counter     int                    `json:"counter"`
	CallSeq     int                    `json:"callSeq"`
	Instances   map[string]*Record     `json:"instances"`
	Commands    map[string]*Record     `json:"commands"`
	Invocations map[string]*Invocation `json:"invocations"`
}

// Call is one line of calls.jsonl.
type Call struct {
	Seq     int    `json:"seq"`
	Pid     int    `json:"pid"`
	Method  string `json:"method"`
	Type    string `json:"type,omitempty"`
	URN     string `json:"urn,omitempty"`
	ID      string `json:"id,omitempty"`
	Preview bool   `json:"preview,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

var processLock sync.Mutex

func modelDir() (string, error) {
	dir := os.Getenv("TENCENTCLOUD_MODEL_DIR")
	if dir == "" {
		return "", errors.New("TENCENTCLOUD_MODEL_DIR is not set: this stand-in provider keeps its cloud in that directory")
	}
	return dir, nil
}

func readSettings() (*Settings, error) {
	dir, err := modelDir()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "settings.json"))
	if err != nil {
		return nil, fmt.Errorf("the cloud model's settings: %w", err)
	}
	s := &Settings{InvocationResult: "SUCCESS", PollIntervalMs: 200}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("settings.json: %w", err)
	}
	return s, nil
}

// withCloud runs f on the cloud under a lock held across processes (flock) and within this one,
// then saves the cloud unless f failed. Every call log line is written under the same lock.
func withCloud(f func(c *Cloud, log func(Call)) error) error {
	processLock.Lock()
	defer processLock.Unlock()
	dir, err := modelDir()
	if err != nil {
		return err
	}
	lock, err := os.OpenFile(filepath.Join(dir, "cloud.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()

	path := filepath.Join(dir, "cloud.json")
	c := &Cloud{}
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, c); err != nil {
			return fmt.Errorf("cloud.json: %w", err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if c.Instances == nil {
		c.Instances = map[string]*Record{}
	}
	if c.Commands == nil {
		c.Commands = map[string]*Record{}
	}
	if c.Invocations == nil {
		c.Invocations = map[string]*Invocation{}
	}
	var calls []Call
	log := func(call Call) {
		c.CallSeq++
		call.Seq = c.CallSeq
		call.Pid = os.Getpid()
		calls = append(calls, call)
	}
	ferr := f(c, log)
	if ferr == nil || len(calls) > 0 {
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return err
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	}
	if len(calls) > 0 {
		out, err := os.OpenFile(filepath.Join(dir, "calls.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer out.Close()
		for _, call := range calls {
			b, _ := json.Marshal(call)
			if _, err := out.Write(append(b, '\n')); err != nil {
				return err
			}
		}
	}
	return ferr
}

// newID returns prefix + 8 characters, as Tencent's IDs look (ins-xxxxxxxx, cmd-xxxxxxxx, inv-xxxxxxxx).
func (c *Cloud) newID(prefix string) string {
	c.Counter++
	return fmt.Sprintf("%s%08d", prefix, c.Counter)
}

// sleep waits between two polls of one create.
func sleep(s *Settings) {
	time.Sleep(time.Duration(s.PollIntervalMs) * time.Millisecond)
}
