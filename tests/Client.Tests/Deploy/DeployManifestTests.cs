using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using OrleansInference.Client.Tests.Cluster;
using OrleansInference.Client.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;
using static OrleansInference.Client.Tests.Deploy.DeployManifests;

namespace OrleansInference.Client.Tests.Deploy;

/// <summary>
/// The compose file and Kubernetes manifests agree with the code: every environment variable is a real option key
/// with a value of its type, every port a setting names is the port the container and its Services expose, every
/// probe targets the listener that serves it, and the probe paths answer 200 on a really started silo and API node.
/// </summary>
[Collection(ClusterProcessesCollection.Name)]
public sealed partial class DeployManifestTests
{
    private const string SiloWorkload = "orleans-silo";
    private const string ApiWorkload = "orleans-inference-api";

    [Fact]
    public void EveryEnvironmentVariable_OfComposeKubernetesAndTheSiloImage_IsAnOptionKeyWithAValueOfItsType()
    {
        var settings = new List<(string Where, string Name, string? Value)>();
        foreach (var (name, service) in ComposeServices())
        {
            settings.AddRange(ComposeEnvironment(service).Select(e => ($"compose {name}", e.Key, (string?)e.Value)));
        }

        foreach (var (name, workload) in Workloads())
        {
            settings.AddRange(Containers(workload).SelectMany(c => Environment(c)).Select(e => ($"k8s {name}", e.Key, e.Value)));
        }

        var image = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "docker", "Dockerfile.silo"));
        var finalStage = Regex.Replace(image[image.LastIndexOf("\nFROM ", StringComparison.Ordinal)..], @"\\\r?\n", " ");
        foreach (var line in finalStage.Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            settings.AddRange(EnvPair().Matches(line[4..]).Select(m => ("Dockerfile.silo", m.Groups[1].Value, (string?)m.Groups[2].Value)));
        }

        Assert.True(settings.Count > 40, $"Only {settings.Count} variables found; the manifests did not parse as expected.");

        var kubernetesVariables = KubernetesHostingVariables();
        var wrong = new List<string>();
        foreach (var (where, name, value) in settings)
        {
            if (kubernetesVariables.Contains(name) || name == "DOTNET_TC_DelaySingleProcMultiplier")
            {
                continue;
            }

            if (OptionKeys.Check(name, value) is { } reason)
            {
                wrong.Add($"{where}: {reason}");
            }
        }

        Assert.True(wrong.Count == 0, "Variables that bind nothing:\n" + string.Join("\n", wrong));

        // The pod variables Orleans' Kubernetes hosting reads are all set on the silo.
        var silo = Environment(Containers(Workloads()[SiloWorkload]).Single());
        Assert.All(kubernetesVariables, v => Assert.True(silo.ContainsKey(v), $"The silo pod does not set {v}, which Orleans' Kubernetes hosting reads."));
    }

    [Fact]
    public void Kubernetes_PortsProbesServicesAndAutoscalers_AgreeWithTheSettings()
    {
        var objects = KubernetesObjects();
        var workloads = Workloads();

        var siloContainer = Containers(workloads[SiloWorkload]).Single();
        var silo = Environment(siloContainer);
        var siloPorts = Ports(siloContainer);
        Assert.Equal(siloPorts["silo"], int.Parse(silo["Orleans__SiloPort"]!, CultureInfo.InvariantCulture));
        Assert.Equal(siloPorts["gateway"], int.Parse(silo["Orleans__GatewayPort"]!, CultureInfo.InvariantCulture));
        Assert.Equal(siloPorts["health"], UrlPort(silo["SiloHost__HealthUrls"]!));
        AssertProbesOn(siloContainer, siloPorts["health"], SiloWorkload);

        var apiContainer = Containers(workloads[ApiWorkload]).Single();
        var api = Environment(apiContainer);
        var apiPorts = Ports(apiContainer);
        Assert.Equal("Client", api["Api__Grid"]);
        Assert.Equal(apiPorts["http"], UrlPort(api["Api__Urls"]!));
        Assert.Equal(apiPorts["grpc"], UrlPort(api["Grpc__Url"]!));
        AssertProbesOn(apiContainer, apiPorts["http"], ApiWorkload);

        // One cluster: the API's client settings equal the silo pods' labels, which Orleans reads for the silos.
        var siloLabels = (YamlMappingNode)At(PodTemplate(workloads[SiloWorkload]), "metadata", "labels")!;
        Assert.Equal(Scalar(siloLabels, "orleans/clusterId"), api["InferenceClient__ClusterId"]);
        Assert.Equal(Scalar(siloLabels, "orleans/serviceId"), api["InferenceClient__ServiceId"]);
        Assert.Equal("$(ORLEANS_CLUSTER_ID)", silo["Orleans__ClusterId"]);
        Assert.Equal("$(ORLEANS_SERVICE_ID)", silo["Orleans__ServiceId"]);
        Assert.Equal("$(POD_IP)", silo["Orleans__Address"]);
        var fields = Sequence(siloContainer, "env").Cast<YamlMappingNode>()
            .ToDictionary(e => Scalar(e, "name")!, e => (At(e, "valueFrom", "fieldRef", "fieldPath") as YamlScalarNode)?.Value);
        Assert.Equal("metadata.labels['orleans/clusterId']", fields["ORLEANS_CLUSTER_ID"]);
        Assert.Equal("metadata.labels['orleans/serviceId']", fields["ORLEANS_SERVICE_ID"]);
        Assert.Equal("status.podIP", fields["POD_IP"]);

        // Redis: the address both sides use is the Redis Service, and it keeps an append-only file on a claimed volume.
        var redisService = objects.Single(o => Scalar(o.Object, "kind") == "Service" && Scalar(Mapping(o.Object, "metadata")!, "name") == "redis").Object;
        var redisPort = Scalar((YamlMappingNode)Sequence(Mapping(redisService, "spec")!, "ports").Single(), "port");
        Assert.Equal($"redis:{redisPort}", silo["Orleans__Redis"]);
        Assert.Equal($"redis:{redisPort}", api["InferenceClient__Redis"]);
        var redis = workloads["redis"];
        var redisArgs = string.Join(' ', Sequence(Containers(redis).Single(), "args").Select(a => ((YamlScalarNode)a).Value));
        Assert.Contains("--appendonly yes", redisArgs, StringComparison.Ordinal);
        var claimTemplate = Scalar((YamlMappingNode)At((YamlMappingNode)Sequence(Mapping(redis, "spec")!, "volumeClaimTemplates").Single(), "metadata")!, "name");
        var dir = Regex.Match(redisArgs, @"--dir (\S+)").Groups[1].Value;
        Assert.Contains(Sequence(Containers(redis).Single(), "volumeMounts").Cast<YamlMappingNode>(), m => Scalar(m, "name") == claimTemplate && Scalar(m, "mountPath") == dir);

        // Services select a workload's pods and target ports its containers name.
        foreach (var service in objects.Where(o => Scalar(o.Object, "kind") == "Service").Select(o => o.Object))
        {
            var name = Scalar(Mapping(service, "metadata")!, "name");
            var selector = Mapping(Mapping(service, "spec")!, "selector")!.Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString());
            var selected = workloads.Values.Where(w => selector.All(s => Scalar((YamlMappingNode)At(PodTemplate(w), "metadata", "labels")!, s.Key) == s.Value)).ToList();
            Assert.True(selected.Count == 1, $"Service {name} selects {selected.Count} workloads.");
            var named = Containers(selected[0]).SelectMany(c => Ports(c).Keys).ToHashSet();
            foreach (var port in Sequence(Mapping(service, "spec")!, "ports").Cast<YamlMappingNode>())
            {
                Assert.True(named.Contains(Scalar(port, "targetPort")!), $"Service {name} targets port '{Scalar(port, "targetPort")}', which no container of its pods names.");
            }
        }

        // Every claimed volume is declared.
        var claims = objects.Where(o => Scalar(o.Object, "kind") == "PersistentVolumeClaim").Select(o => Scalar(Mapping(o.Object, "metadata")!, "name")).ToHashSet();
        foreach (var (name, workload) in workloads)
        {
            foreach (var volume in Sequence(Mapping(PodTemplate(workload), "spec")!, "volumes").Cast<YamlMappingNode>())
            {
                if (At(volume, "persistentVolumeClaim", "claimName") is YamlScalarNode claim)
                {
                    Assert.True(claims.Contains(claim.Value), $"{name} mounts claim {claim.Value}, which no PersistentVolumeClaim declares.");
                }
            }
        }

        // Autoscalers scale a declared workload; CPU utilization needs a CPU request on every container it measures.
        var autoscalers = objects.Where(o => Scalar(o.Object, "kind") == "HorizontalPodAutoscaler").Select(o => o.Object).ToList();
        Assert.Contains(autoscalers, h => (At(h, "spec", "scaleTargetRef", "name") as YamlScalarNode)?.Value == SiloWorkload);
        foreach (var autoscaler in autoscalers)
        {
            var target = ((YamlScalarNode)At(autoscaler, "spec", "scaleTargetRef", "name")!).Value!;
            Assert.True(workloads.ContainsKey(target), $"An autoscaler scales {target}, which is not declared.");
            Assert.True(int.Parse(((YamlScalarNode)At(autoscaler, "spec", "minReplicas")!).Value!, CultureInfo.InvariantCulture) >= 2, $"The autoscaler of {target} may scale below two replicas.");
            foreach (var metric in Sequence(Mapping(autoscaler, "spec")!, "metrics").Cast<YamlMappingNode>())
            {
                if ((At(metric, "resource", "name") as YamlScalarNode)?.Value == "cpu")
                {
                    Assert.All(Containers(workloads[target]), c => Assert.NotNull(At(c, "resources", "requests", "cpu")));
                }
            }
        }
    }

    [Fact]
    public void Compose_ThreeSilosTwoApiNodesAndRedis_PortsAndHealthChecksAgreeWithTheSettings()
    {
        var services = ComposeServices();
        var redis = services["redis"];
        var redisCommand = string.Join(' ', Sequence(redis, "command").Select(a => ((YamlScalarNode)a).Value));
        Assert.Contains("--appendonly yes", redisCommand, StringComparison.Ordinal);
        Assert.NotEmpty(Sequence(redis, "volumes"));

        var silo = services["silo"];
        Assert.Equal("3", (At(silo, "deploy", "replicas") as YamlScalarNode)?.Value);
        var siloEnvironment = ComposeEnvironment(silo);
        Assert.Equal("redis:6379", siloEnvironment["Orleans__Redis"]);
        Assert.Equal(UrlPort(siloEnvironment["SiloHost__HealthUrls"]), HealthCheckPort(silo));
        Assert.Empty(Sequence(silo, "ports"));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(ComposeFile)!, ((YamlScalarNode)At(silo, "build", "context")!).Value!, ((YamlScalarNode)At(silo, "build", "dockerfile")!).Value!)));

        var image = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "docker", "Dockerfile.silo"));
        var exposed = Regex.Match(image, @"^EXPOSE (.+)$", RegexOptions.Multiline).Groups[1].Value.Split(' ');
        foreach (var port in new[] { siloEnvironment["Orleans__SiloPort"], siloEnvironment["Orleans__GatewayPort"], UrlPort(siloEnvironment["SiloHost__HealthUrls"]).ToString(CultureInfo.InvariantCulture) })
        {
            Assert.Contains(port, exposed);
        }

        var apis = services.Where(s => ComposeEnvironment(s.Value).GetValueOrDefault("Api__Grid") == "Client").ToList();
        Assert.Equal(2, apis.Count);
        var published = new HashSet<string>();
        foreach (var (name, api) in apis)
        {
            var environment = ComposeEnvironment(api);
            Assert.Equal(siloEnvironment["Orleans__ClusterId"], environment["InferenceClient__ClusterId"]);
            Assert.Equal(siloEnvironment["Orleans__ServiceId"], environment["InferenceClient__ServiceId"]);
            Assert.Equal(siloEnvironment["Orleans__Redis"], environment["InferenceClient__Redis"]);
            Assert.Equal(UrlPort(environment["Api__Urls"]), HealthCheckPort(api));
            var containerPorts = new[] { UrlPort(environment["Api__Urls"]), UrlPort(environment["Grpc__Url"]) };
            foreach (var port in Sequence(api, "ports").Select(p => ((YamlScalarNode)p).Value!))
            {
                var parts = port.Split(':');
                Assert.True(parts.Length == 3 && parts[0] == "127.0.0.1", $"{name} publishes {port}: only on 127.0.0.1.");
                Assert.Contains(int.Parse(parts[2], CultureInfo.InvariantCulture), containerPorts);
                Assert.True(published.Add(parts[1]), $"{name} publishes host port {parts[1]} twice.");
            }

            Assert.Equal(2, Sequence(api, "ports").Count());
        }
    }

    [Fact]
    public async Task SiloHost_WithKubernetesHostingOn_AndNoPodVariables_StopsNamingThem()
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-k8s-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var (exitCode, output) = await RunSiloToExitAsync(root,
                ["--SiloHost:Kubernetes=true", "--Orleans:SiloPort=0", "--Orleans:GatewayPort=0", $"--ModelRepository:RootPath={root}"]);
            Assert.NotEqual(0, exitCode);
            foreach (var variable in KubernetesHostingVariables())
            {
                Assert.Contains(variable, output, StringComparison.Ordinal);
            }

            Assert.Contains("SiloHost:Kubernetes", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task ProbePathsAutoscalerMetricsAndTheSiloScrape_AnswerOnAStartedSiloAndApiNode()
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-probes-" + Guid.NewGuid().ToString("N"));
        RepositoryPaths.CopyDirectory(RepositoryPaths.Models, Path.Combine(root, "models"));
        var ports = LoopbackPorts.Free(4);
        var clusterId = "probes-" + Guid.NewGuid().ToString("N")[..8];
        await using var redis = await ClusterProcess.StartRedisAsync(ports[0]);
        await using var silo = await ClusterProcess.StartSiloAsync(root,
        [
            $"--Orleans:Redis=127.0.0.1:{ports[0]}", $"--Orleans:ClusterId={clusterId}", $"--Orleans:SiloPort={ports[1]}",
            $"--Orleans:GatewayPort={ports[2]}", "--Orleans:Dashboard=false", $"--SiloHost:HealthUrls=http://127.0.0.1:{ports[3]}",
            $"--ModelRepository:RootPath={Path.Combine(root, "models")}", $"--Registry:SqlitePath={Path.Combine(root, "registry.db")}",
            $"--BatchJobs:DataRoot={Path.Combine(root, "batch", "input")}", $"--BatchJobs:OutputRoot={Path.Combine(root, "batch", "output")}",
            $"--BatchJobs:StateRoot={Path.Combine(root, "batch", "state")}",
        ]);
        await using var api = await GridServerProcess.StartApiNodeAsync(root, [$"--InferenceClient:Redis=127.0.0.1:{ports[0]}", $"--InferenceClient:ClusterId={clusterId}"]);
        try
        {
            var siloHealth = new Uri($"http://127.0.0.1:{ports[3]}/");
            var probes = new List<(string Where, Uri Base, string Path)>();
            foreach (var (name, workload) in Workloads().Where(w => w.Key is SiloWorkload or ApiWorkload))
            {
                var container = Containers(workload).Single();
                foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
                {
                    if (At(container, probe, "httpGet", "path") is YamlScalarNode path)
                    {
                        probes.Add(($"k8s {name} {probe}", name == SiloWorkload ? siloHealth : api.Address, path.Value!));
                    }
                }
            }

            foreach (var (name, service) in ComposeServices().Where(s => s.Key != "redis"))
            {
                var path = ComposePath().Match(HealthCheck(service)).Groups[1].Value;
                probes.Add(($"compose {name} healthcheck", name == "silo" ? siloHealth : api.Address, path));
            }

            Assert.True(probes.Count >= 7, $"Only {probes.Count} probes found.");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var (where, address, path) in probes)
            {
                var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                HttpStatusCode status;
                while (true)
                {
                    using var response = await http.GetAsync(new Uri(address, path));
                    status = response.StatusCode;
                    if (status == HttpStatusCode.OK || DateTime.UtcNow > until)
                    {
                        break;
                    }

                    await Task.Delay(250);
                }

                Assert.True(status == HttpStatusCode.OK, $"{where}: GET {path} on {address} answered {(int)status}.\nSilo:\n{silo.Output}");
            }

            // The silo's health listener serves the probes only, never the API.
            using (var models = await http.GetAsync(new Uri(siloHealth, "api/v1/models")))
            {
                Assert.Equal(HttpStatusCode.NotFound, models.StatusCode);
            }

            // Custom autoscaler metrics are series the API node exports.
            var scrape = await http.GetStringAsync(new Uri(api.Address, "metrics"));
            var metrics = KubernetesObjects().Where(o => Scalar(o.Object, "kind") == "HorizontalPodAutoscaler")
                .SelectMany(o => Sequence(Mapping(o.Object, "spec")!, "metrics").Cast<YamlMappingNode>())
                .Select(m => At(m, "pods", "metric", "name") as YamlScalarNode).OfType<YamlScalarNode>().Select(n => n.Value!).ToList();
            Assert.NotEmpty(metrics);
            Assert.All(metrics, m => Assert.Matches(new Regex("^" + Regex.Escape(m) + "[{ ]", RegexOptions.Multiline), scrape));

            // The silo's own scrape on its health listener: its process, Orleans, and the predictions it served for
            // the API node (a pure client, whose scrape has no serving series of the silo's versions).
            const string predict = """{"model": "iris", "features": [5.1, 3.5, 1.4, 0.2]}""";
            for (var i = 0; i < 5; i++)
            {
                using var answer = await http.PostAsync(new Uri(api.Address, "api/v1/predict"), new StringContent(predict, System.Text.Encoding.UTF8, "application/json"));
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"predict answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            }

            var siloScrape = await http.GetStringAsync(new Uri(siloHealth, "metrics"));
            var served = new Regex("""^oi_inference_requests_total\{[^}]*model="iris"[^}]*\} (\d+)""", RegexOptions.Multiline).Matches(siloScrape)
                .Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            Assert.True(served >= 5, $"The silo's scrape counts {served} iris requests; 5 were sent.\n{siloScrape}");
            Assert.Matches(new Regex("^dotnet_process_cpu_time_seconds_total[{ ]", RegexOptions.Multiline), siloScrape);
            Assert.Matches(new Regex("^dotnet_process_memory_working_set_bytes[{ ]", RegexOptions.Multiline), siloScrape);
            Assert.Matches(new Regex("^orleans_", RegexOptions.Multiline), siloScrape);
            // This host has no NVIDIA driver: no GPU series rather than zeros.
            Assert.DoesNotMatch(new Regex("^oi_gpu_", RegexOptions.Multiline), siloScrape);
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task SiloHost_WithAHealthUrlThatIsNotHttp_StopsNamingTheKey()
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-health-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var (exitCode, output) = await RunSiloToExitAsync(root,
                ["--SiloHost:HealthUrls=https://127.0.0.1:1/health", "--Orleans:SiloPort=0", "--Orleans:GatewayPort=0", $"--ModelRepository:RootPath={root}"]);
            Assert.NotEqual(0, exitCode);
            Assert.Contains("SiloHost:HealthUrls has 'https://127.0.0.1:1/health'", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Runs the silo host with <paramref name="arguments"/> until it exits (within 60 s); its exit code and all it wrote.</summary>
    private static async Task<(int ExitCode, string Output)> RunSiloToExitAsync(string root, IEnumerable<string> arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(OptionKeys.SiloHostFolder, "OrleansInference.SiloHost.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The port a compose health check connects to.</summary>
    private static int HealthCheckPort(YamlMappingNode service) =>
        int.Parse(HealthCheckTarget().Match(HealthCheck(service)).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>A compose service's health check command as one string.</summary>
    internal static string HealthCheck(YamlMappingNode service) =>
        string.Join(' ', ((YamlSequenceNode)At(service, "healthcheck", "test")!).Children.Select(c => ((YamlScalarNode)c).Value));

    /// <summary>The environment variables Orleans' Kubernetes hosting reads, from its own constants.</summary>
    internal static HashSet<string> KubernetesHostingVariables()
    {
        var assembly = OptionKeys.SiloHostContext.Instance.LoadFromAssemblyPath(Path.Combine(OptionKeys.SiloHostFolder, "Orleans.Hosting.Kubernetes.dll"));
        var options = assembly.GetType("Orleans.Hosting.Kubernetes.KubernetesHostingOptions", throwOnError: true)!;
        var variables = options.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("EnvironmentVariable", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        Assert.True(variables.Count >= 5, $"Orleans' Kubernetes hosting names only {string.Join(", ", variables)}.");
        return variables;
    }

    private static void AssertProbesOn(YamlMappingNode container, int port, string workload)
    {
        var ports = Ports(container);
        var probes = new[] { "startupProbe", "readinessProbe", "livenessProbe" }.Where(p => Mapping(container, p) is not null).ToList();
        Assert.Contains("readinessProbe", probes);
        Assert.Contains("livenessProbe", probes);
        foreach (var probe in probes)
        {
            var target = ((YamlScalarNode)At(container, probe, "httpGet", "port")!).Value!;
            var number = int.TryParse(target, out var n) ? n : ports.GetValueOrDefault(target);
            Assert.True(number == port, $"{workload}'s {probe} calls port {target}, not {port}, where its health endpoints listen.");
        }
    }

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"GET (\S+) HTTP")]
    private static partial Regex ComposePath();

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(\d+)")]
    private static partial Regex HealthCheckTarget();
}
