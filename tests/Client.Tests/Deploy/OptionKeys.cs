using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Runtime.Loader;
using OrleansInference.Client.Tests.Infrastructure;

namespace OrleansInference.Client.Tests.Deploy;

/// <summary>
/// The configuration keys the grid's processes bind: every options class with a <c>SectionName</c> constant in the
/// OrleansInference assemblies (the API's, and the standalone silo host's, loaded from its build output).
/// </summary>
internal static class OptionKeys
{
    private static readonly Lazy<IReadOnlyList<Type>> Classes = new(FindOptionClasses);

    /// <summary>The sections and their options classes.</summary>
    public static IReadOnlyList<Type> OptionClasses => Classes.Value;

    /// <summary>The folder the silo host is built to.</summary>
    public static string SiloHostFolder
    {
        get
        {
            var configuration = typeof(OptionKeys).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            return Path.Combine(RepositoryPaths.Root, "src", "SiloHost", "bin", configuration, "net10.0");
        }
    }

    /// <summary>
    /// Null when <paramref name="variable"/> (<c>Section__Property__...</c>) names a bindable option and
    /// <paramref name="value"/> converts to its type; otherwise why not.
    /// </summary>
    public static string? Check(string variable, string? value)
    {
        var parts = variable.Split("__");
        var sections = OptionClasses.Where(t => string.Equals(SectionOf(t), parts[0], StringComparison.OrdinalIgnoreCase)).ToList();
        if (sections.Count == 0)
        {
            return $"{variable}: no options class binds section '{parts[0]}' (sections: {string.Join(", ", OptionClasses.Select(SectionOf).Distinct().Order())}).";
        }

        var reasons = new List<string>();
        foreach (var section in sections)
        {
            var reason = Walk(section, parts.AsSpan(1), variable, value);
            if (reason is null)
            {
                return null;
            }

            reasons.Add(reason);
        }

        return string.Join(" ", reasons);
    }

    /// <summary>The options class's section name.</summary>
    public static string SectionOf(Type type) =>
        (string)type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;

    private static string? Walk(Type type, ReadOnlySpan<string> path, string variable, string? value)
    {
        if (path.IsEmpty)
        {
            return Converts(type, value) ? null : $"{variable}: '{value}' is not a {type.Name}.";
        }

        var element = ElementType(type);
        if (element is not null)
        {
            return int.TryParse(path[0], out _) ? Walk(element, path[1..], variable, value) : $"{variable}: '{path[0]}' indexes a list; it must be a number.";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition && (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>)))
        {
            return Walk(type.GetGenericArguments()[1], path[1..], variable, value);
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is null
            ? $"{variable}: {type.Name} has no property '{path[0]}'."
            : Walk(property.PropertyType, path[1..], variable, value);
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type != typeof(string) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static bool Converts(Type type, string? value)
    {
        if (value is null || value.Contains("$(", StringComparison.Ordinal))
        {
            return true; // Set from the pod's fields, or from another variable at start.
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            return target == typeof(string) || TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value) is not null;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException || e.InnerException is FormatException)
        {
            return false;
        }
    }

    private static IReadOnlyList<Type> FindOptionClasses()
    {
        var assemblies = Directory.EnumerateFiles(AppContext.BaseDirectory, "OrleansInference.*.dll")
            .Select(f => Assembly.Load(AssemblyName.GetAssemblyName(f)))
            .ToList();
        var siloHost = Path.Combine(SiloHostFolder, "OrleansInference.SiloHost.dll");
        Assert.True(File.Exists(siloHost), $"The silo host is not built at {siloHost}; build tests/Client.Tests (it builds the host).");
        assemblies.Add(SiloHostContext.Instance.LoadFromAssemblyPath(siloHost));
        var classes = assemblies.SelectMany(TypesOf)
            .Where(t => t.IsClass && t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true })
            .ToList();
        Assert.True(classes.Count >= 8, $"Found only {classes.Count} options classes: {string.Join(", ", classes.Select(c => c.Name))}.");
        return classes;
    }

    private static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    /// <summary>Loads the silo host's assemblies from its build output, sharing what the test process already has.</summary>
    internal sealed class SiloHostContext : AssemblyLoadContext
    {
        public static readonly SiloHostContext Instance = new();

        private SiloHostContext()
            : base("silo-host", isCollectible: false)
        {
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (File.Exists(Path.Combine(AppContext.BaseDirectory, assemblyName.Name + ".dll")))
            {
                return null; // The test process's own copy (the default context), shared with the host's.
            }

            var path = Path.Combine(SiloHostFolder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
