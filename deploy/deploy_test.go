package deploy

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// manifests are the objects of deploy/kubernetes/deescalate.yaml, each decoded strictly into
// its official API type: a field the type does not have (a typo, an indentation slip) or a
// key given twice fails the test, as kubectl apply --validate=strict would fail.
type manifests struct {
	bot     *appsv1.Deployment
	redis   *appsv1.StatefulSet
	service *corev1.Service
	policy  *networkingv1.NetworkPolicy
}

func readManifests(t *testing.T) manifests {
	t.Helper()
	raw, err := os.ReadFile("kubernetes/deescalate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifests
	for i, doc := range regexp.MustCompile(`(?m)^---$`).Split(string(raw), -1) {
		var meta v1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		var obj any
		switch meta.APIVersion + " " + meta.Kind {
		case "apps/v1 Deployment":
			m.bot = &appsv1.Deployment{}
			obj = m.bot
		case "apps/v1 StatefulSet":
			m.redis = &appsv1.StatefulSet{}
			obj = m.redis
		case "v1 Service":
			m.service = &corev1.Service{}
			obj = m.service
		case "networking.k8s.io/v1 NetworkPolicy":
			m.policy = &networkingv1.NetworkPolicy{}
			obj = m.policy
		default:
			t.Fatalf("document %d is a %q %q, which this test does not know", i, meta.APIVersion, meta.Kind)
		}
		if err := strict([]byte(doc), obj); err != nil {
			t.Fatalf("document %d (%s): %v", i, meta.Kind, err)
		}
	}
	if m.bot == nil || m.redis == nil || m.service == nil || m.policy == nil {
		t.Fatalf("want a Deployment, a StatefulSet, a Service and a NetworkPolicy; got %+v", m)
	}
	return m
}

// strict decodes a YAML document as the API server does: field names match exactly (no
// case-insensitive "clusterIp"), and an unknown or repeated field is an error.
func strict(doc []byte, obj any) error {
	data, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return err
	}
	strictErrs, err := kjson.UnmarshalStrict(data, obj)
	if err != nil {
		return err
	}
	return errors.Join(strictErrs...)
}

func container(t *testing.T, spec corev1.PodSpec, name string) corev1.Container {
	t.Helper()
	i := slices.IndexFunc(spec.Containers, func(c corev1.Container) bool { return c.Name == name })
	if i < 0 {
		t.Fatalf("no container %q", name)
	}
	return spec.Containers[i]
}

// envIndex returns where a variable is defined in a container's env, or -1.
func envIndex(c corev1.Container, name string) int {
	return slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == name })
}

// passwordRef checks that a variable comes from the password key of the Redis Secret.
func passwordRef(t *testing.T, c corev1.Container, name string) {
	t.Helper()
	i := envIndex(c, name)
	if i < 0 {
		t.Fatalf("container %s has no %s", c.Name, name)
	}
	ref := c.Env[i].ValueFrom
	if c.Env[i].Value != "" || ref == nil || ref.SecretKeyRef == nil || ref.SecretKeyRef.Name != "deescalate-redis" || ref.SecretKeyRef.Key != "password" {
		t.Errorf("container %s: %s is not taken from the deescalate-redis Secret's password: %+v", c.Name, name, c.Env[i])
	}
}

func limited(t *testing.T, c corev1.Container) {
	t.Helper()
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Limits[r]; !ok {
			t.Errorf("container %s has no %s limit", c.Name, r)
		}
		if _, ok := c.Resources.Requests[r]; !ok {
			t.Errorf("container %s has no %s request", c.Name, r)
		}
	}
	if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("container %s may write its root file system or escalate privileges", c.Name)
	}
}

func selects(t *testing.T, what string, sel map[string]string, podLabels map[string]string) {
	t.Helper()
	if len(sel) == 0 || !labels.SelectorFromSet(sel).Matches(labels.Set(podLabels)) {
		t.Errorf("%s %v does not select the pods labelled %v", what, sel, podLabels)
	}
}

func TestKubernetesBot(t *testing.T) {
	m := readManifests(t)
	spec := m.bot.Spec.Template.Spec
	c := container(t, spec, "deescalate")
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].SecretRef == nil || c.EnvFrom[0].SecretRef.Name != "deescalate-slack" {
		t.Errorf("the Slack tokens do not come from the deescalate-slack Secret: %+v", c.EnvFrom)
	}
	passwordRef(t, c, "REDIS_PASSWORD")
	url := envIndex(c, "REDIS_URL")
	if url < 0 {
		t.Fatal("no REDIS_URL")
	}
	// Kubernetes expands $(VAR) only from variables defined before it.
	if url < envIndex(c, "REDIS_PASSWORD") || !strings.HasPrefix(c.Env[url].Value, "redis://:$(REDIS_PASSWORD)@"+m.service.Name+":6379/") {
		t.Errorf("REDIS_URL %q does not use the password defined before it and the Redis Service %s", c.Env[url].Value, m.service.Name)
	}
	for _, p := range []struct {
		probe *corev1.Probe
		path  string
	}{{c.ReadinessProbe, "/readyz"}, {c.LivenessProbe, "/healthz"}} {
		if p.probe == nil || p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path || p.probe.HTTPGet.Port != intstr.FromString("http") {
			t.Errorf("no HTTP probe on %s of the http port: %+v", p.path, p.probe)
		}
	}
	if len(c.Ports) != 1 || c.Ports[0].Name != "http" || c.Ports[0].ContainerPort != 8080 {
		t.Errorf("ports %+v: want http on 8080 (HTTP_ADDR's default)", c.Ports)
	}
	limited(t, c)
	if sc := spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Error("the bot's pods may run as root")
	}
	selects(t, "the Deployment's selector", m.bot.Spec.Selector.MatchLabels, m.bot.Spec.Template.Labels)
}

func TestKubernetesRedis(t *testing.T) {
	m := readManifests(t)
	spec := m.redis.Spec.Template.Spec
	c := container(t, spec, "redis")
	passwordRef(t, c, "REDIS_PASSWORD")
	passwordRef(t, c, "REDISCLI_AUTH")
	if i := slices.Index(c.Args, "--requirepass"); i < 0 || i+1 == len(c.Args) || c.Args[i+1] != "$(REDIS_PASSWORD)" {
		t.Errorf("Redis does not require the Secret's password: args %q", c.Args)
	}
	if !slices.Contains(c.Args, "--appendonly") {
		t.Errorf("Redis keeps no append-only file: args %q", c.Args)
	}
	for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
		if p == nil || p.Exec == nil || !slices.Equal(p.Exec.Command, []string{"redis-cli", "ping"}) {
			t.Errorf("Redis probe %+v: want redis-cli ping (authenticated through REDISCLI_AUTH)", p)
		}
	}
	limited(t, c)
	if sc := spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Error("Redis may run as root")
	}
	if len(m.redis.Spec.VolumeClaimTemplates) != 1 || len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != "/data" {
		t.Error("Redis keeps its data off a persistent volume")
	}
	selects(t, "the StatefulSet's selector", m.redis.Spec.Selector.MatchLabels, m.redis.Spec.Template.Labels)

	// Its governing Service is headless and reaches the pod's redis port.
	if m.redis.Spec.ServiceName != m.service.Name {
		t.Errorf("the StatefulSet's serviceName %q is not the Service %q", m.redis.Spec.ServiceName, m.service.Name)
	}
	if m.service.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Errorf("the Redis Service's clusterIP is %q, want None (headless)", m.service.Spec.ClusterIP)
	}
	selects(t, "the Redis Service", m.service.Spec.Selector, m.redis.Spec.Template.Labels)
	if len(m.service.Spec.Ports) != 1 || m.service.Spec.Ports[0].Port != 6379 || m.service.Spec.Ports[0].TargetPort != intstr.FromString("redis") {
		t.Errorf("the Redis Service's ports %+v", m.service.Spec.Ports)
	}
}

// TestKubernetesNetworkPolicy: Redis takes connections from the bot's pods only, on 6379.
func TestKubernetesNetworkPolicy(t *testing.T) {
	m := readManifests(t)
	p := m.policy.Spec
	selects(t, "the NetworkPolicy's podSelector", p.PodSelector.MatchLabels, m.redis.Spec.Template.Labels)
	if labels.SelectorFromSet(p.PodSelector.MatchLabels).Matches(labels.Set(m.bot.Spec.Template.Labels)) {
		t.Error("the NetworkPolicy also applies to the bot's pods")
	}
	if !slices.Equal(p.PolicyTypes, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}) {
		t.Errorf("policyTypes %v, want [Ingress]", p.PolicyTypes)
	}
	if len(p.Ingress) != 1 {
		t.Fatalf("%d ingress rules, want 1", len(p.Ingress))
	}
	rule := p.Ingress[0]
	if len(rule.From) != 1 || rule.From[0].PodSelector == nil || rule.From[0].NamespaceSelector != nil || rule.From[0].IPBlock != nil {
		t.Fatalf("ingress from %+v: want the bot's pods only", rule.From)
	}
	selects(t, "the NetworkPolicy's ingress", rule.From[0].PodSelector.MatchLabels, m.bot.Spec.Template.Labels)
	if labels.SelectorFromSet(rule.From[0].PodSelector.MatchLabels).Matches(labels.Set(m.redis.Spec.Template.Labels)) {
		t.Error("the ingress rule lets Redis' own pods in as well as the bot's")
	}
	if len(rule.Ports) != 1 || rule.Ports[0].Port == nil || *rule.Ports[0].Port != intstr.FromInt32(6379) ||
		rule.Ports[0].Protocol == nil || *rule.Ports[0].Protocol != corev1.ProtocolTCP {
		t.Errorf("ingress ports %+v, want TCP 6379", rule.Ports)
	}
}

// TestKubernetesRejectsUnknownFields shows the strict decoding at work: a misspelt field, one
// in the wrong case and one given twice fail, where a lenient decoder would drop or merge them
// and deploy a pod without its limits.
func TestKubernetesRejectsUnknownFields(t *testing.T) {
	for _, field := range []string{"resource: {limits: {memory: 1Gi}}", "imagePullpolicy: Always", "name: y"} {
		doc := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          " + field + "\n"
		if err := strict([]byte(doc), &appsv1.Deployment{}); err == nil {
			t.Errorf("%q decoded without complaint", field)
		}
	}
}

// TestComposePublishesOnLoopbackOnly: the local trial publishes nothing beyond this machine,
// and its Redis asks for the password the bot's REDIS_URL carries.
func TestComposePublishesOnLoopbackOnly(t *testing.T) {
	raw, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Ports       []string          `json:"ports"`
			Command     []string          `json:"command"`
			Environment map[string]string `json:"environment"`
		} `json:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatal(err)
	}
	if len(compose.Services) != 2 {
		t.Fatalf("services %v: want redis and deescalate", compose.Services)
	}
	for name, s := range compose.Services {
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("service %s publishes %q on every interface; bind it to 127.0.0.1", name, p)
			}
		}
	}
	redis, bot := compose.Services["redis"], compose.Services["deescalate"]
	if len(redis.Ports) != 0 {
		t.Errorf("Redis is published: %v", redis.Ports)
	}
	if i := slices.Index(redis.Command, "--requirepass"); i < 0 || !strings.HasPrefix(redis.Command[i+1], "${REDIS_PASSWORD") {
		t.Errorf("Redis does not require REDIS_PASSWORD: %q", redis.Command)
	}
	if !strings.HasPrefix(bot.Environment["REDIS_URL"], "redis://:${REDIS_PASSWORD}@redis:6379/") {
		t.Errorf("the bot's REDIS_URL %q does not carry the password", bot.Environment["REDIS_URL"])
	}
}

// TestImageBuildsLikeMakeBuild: the Dockerfile's build stage compiles the binary with the
// same command as make build (the flags, the package), from the Go release go.mod asks for,
// and make image builds that Dockerfile.
func TestImageBuildsLikeMakeBuild(t *testing.T) {
	makefile, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	dockerfile, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	flags := regexp.MustCompile(`(?m)^GOBUILD = (.+)$`).FindSubmatch(makefile)
	recipe := regexp.MustCompile(`(?m)^build:\n\t(.+)$`).FindSubmatch(makefile)
	run := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=.+)$`).FindSubmatch(dockerfile)
	if flags == nil || recipe == nil || run == nil {
		t.Fatalf("cannot find GOBUILD and the build recipe in the Makefile (%q, %q) or the build RUN in the Dockerfile (%q)", flags, recipe, run)
	}
	want := strings.ReplaceAll(string(recipe[1]), "$(GOBUILD)", string(flags[1]))
	want = strings.Replace(want, "-o bin/deescalate", "-o /out/deescalate", 1)
	if got := strings.Replace(string(run[1]), "GOOS=linux ", "", 1); got != want {
		t.Errorf("the Dockerfile builds with\n  %s\nmake build with\n  %s", got, want)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVersion == nil || !strings.Contains(string(dockerfile), "FROM golang:"+string(goVersion[1])+"-") {
		t.Errorf("the Dockerfile's Go is not go.mod's %s", goVersion)
	}
	out, err := exec.Command("make", "-n", "-C", "..", "image", "IMAGE=deescalate:test").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n image: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "docker build -t deescalate:test -f Dockerfile .") {
		t.Errorf("make image does not build the Dockerfile:\n%s", out)
	}
}
