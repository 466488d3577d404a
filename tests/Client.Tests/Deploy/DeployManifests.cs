using System.Globalization;
using OrleansInference.Client.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansInference.Client.Tests.Deploy;

/// <summary>The shipped deployment files (deploy/compose, deploy/k8s) parsed as YAML, with merge keys resolved.</summary>
internal static class DeployManifests
{
    public static string ComposeFile => Path.Combine(RepositoryPaths.Root, "deploy", "compose", "compose.yaml");

    public static string KubernetesFolder => Path.Combine(RepositoryPaths.Root, "deploy", "k8s");

    /// <summary>Every Kubernetes object of deploy/k8s (the files the kustomization lists), with the file it came from.</summary>
    public static IReadOnlyList<(string File, YamlMappingNode Object)> KubernetesObjects()
    {
        var kustomization = Load(Path.Combine(KubernetesFolder, "kustomization.yaml")).Single();
        var files = Sequence(kustomization, "resources").Select(n => ((YamlScalarNode)n).Value!).ToList();
        var listed = Directory.EnumerateFiles(KubernetesFolder, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order().ToList();
        Assert.True(files.Order().SequenceEqual(listed), $"deploy/k8s/kustomization.yaml lists [{string.Join(", ", files)}] but the folder holds [{string.Join(", ", listed)}].");
        return [.. files.SelectMany(f => Load(Path.Combine(KubernetesFolder, f)).Select(o => (f, o)))];
    }

    /// <summary>The compose file's services by name.</summary>
    public static IReadOnlyDictionary<string, YamlMappingNode> ComposeServices()
    {
        var compose = Load(ComposeFile).Single();
        return Mapping(compose, "services")!.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (YamlMappingNode)c.Value);
    }

    /// <summary>The workload objects (Deployment, StatefulSet) of deploy/k8s by name.</summary>
    public static IReadOnlyDictionary<string, YamlMappingNode> Workloads() =>
        KubernetesObjects().Where(o => Scalar(o.Object, "kind") is "Deployment" or "StatefulSet")
            .ToDictionary(o => Scalar(Mapping(o.Object, "metadata")!, "name")!, o => o.Object);

    /// <summary>A workload's pod template.</summary>
    public static YamlMappingNode PodTemplate(YamlMappingNode workload) => Mapping(Mapping(workload, "spec")!, "template")!;

    /// <summary>A workload's containers (not its init containers).</summary>
    public static IEnumerable<YamlMappingNode> Containers(YamlMappingNode workload) =>
        Sequence(Mapping(PodTemplate(workload), "spec")!, "containers").Cast<YamlMappingNode>();

    /// <summary>A container's literal environment variables (those set from the pod's fields have a null value).</summary>
    public static IReadOnlyDictionary<string, string?> Environment(YamlMappingNode container) =>
        Sequence(container, "env").Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name")!, e => Scalar(e, "value"));

    /// <summary>A container's ports by name.</summary>
    public static IReadOnlyDictionary<string, int> Ports(YamlMappingNode container) =>
        Sequence(container, "ports").Cast<YamlMappingNode>()
            .ToDictionary(p => Scalar(p, "name")!, p => int.Parse(Scalar(p, "containerPort")!, CultureInfo.InvariantCulture));

    /// <summary>A compose service's environment as a mapping (merge keys resolved).</summary>
    public static IReadOnlyDictionary<string, string> ComposeEnvironment(YamlMappingNode service) =>
        Mapping(service, "environment")?.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!)
        ?? new Dictionary<string, string>();

    public static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    public static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode sequence ? sequence.Children : [];

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    /// <summary>A node found by a path of mapping keys, or null.</summary>
    public static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    /// <summary>The port of an <c>http://host:port</c> URL, or of the first of several separated by ';'.</summary>
    public static int UrlPort(string urls) => new Uri(urls.Split(';')[0]).Port;

    private static List<YamlMappingNode> Load(string path)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        var stream = new YamlStream();
        stream.Load(new MergingParser(new Parser(reader)));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }
}
