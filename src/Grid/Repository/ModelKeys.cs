using System.Buffers;

namespace OrleansInference.Grid.Repository;

/// <summary>Validation and formatting of model names, versions and grain keys.</summary>
public static class ModelKeys
{
    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>
    /// A model name is 1–64 characters of letters, digits, '-', '_' and '.', not starting with '.' — safe as a
    /// folder name and a URL segment.
    /// </summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name[0] != '.' && !name.AsSpan().ContainsAnyExcept(NameChars);

    /// <summary>A version is a positive integer without leading zeros, at most 9 digits.</summary>
    public static bool IsValidVersion(string? version) =>
        !string.IsNullOrEmpty(version) && version.Length <= 9 && version[0] != '0' && version.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>The grain key of a model version.</summary>
    public static string VersionKey(string name, string version) => name + "/" + version;

    /// <summary>Orders versions numerically.</summary>
    public static int CompareVersions(string a, string b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
}
