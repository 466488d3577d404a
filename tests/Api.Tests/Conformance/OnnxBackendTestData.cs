namespace OrleansInference.Api.Tests.Conformance;

/// <summary>
/// Finds ONNX's backend test data: <c>ONNX_BACKEND_TEST_DATA</c> when set, else where Debian's
/// <c>libonnx-testdata</c> installs it. Suites: node (one operator each), simple, pytorch-converted and
/// pytorch-operator; the <c>real</c> suite only names models to download and is not used.
/// </summary>
public static class OnnxBackendTestData
{
    /// <summary>The suites read, in report order.</summary>
    public static readonly string[] Suites = ["node", "simple", "pytorch-converted", "pytorch-operator"];

    private static readonly string[] s_defaultRoots =
    [
        "/usr/share/libonnx-testdata/data",
        "/usr/include/onnx/backend/test/data",
    ];

    /// <summary>The data root, or null when neither the variable nor the package gives one.</summary>
    public static string? FindRoot()
    {
        if (Environment.GetEnvironmentVariable("ONNX_BACKEND_TEST_DATA") is { Length: > 0 } configured)
        {
            return Directory.Exists(configured) ? configured : null;
        }

        return s_defaultRoots.FirstOrDefault(root => Directory.Exists(Path.Combine(root, "node")));
    }

    /// <summary>Every case folder with a model, suite by suite, in name order.</summary>
    public static IEnumerable<OnnxBackendCase> EnumerateCases(string root)
    {
        foreach (var suite in Suites)
        {
            var dir = Path.Combine(root, suite);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var caseDir in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(caseDir, "model.onnx")))
                {
                    yield return OnnxBackendCase.Load(suite, caseDir);
                }
            }
        }
    }
}
