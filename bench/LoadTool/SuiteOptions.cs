using OrleansInference.OnnxRuntime;

namespace OrleansInference.LoadTool;

/// <summary>Options of the <c>all</c> command.</summary>
internal sealed class SuiteOptions
{
    /// <summary>Where load.md, load.json and the SVG go.</summary>
    public string OutputDirectory { get; set; } = "docs/benchmarks";

    /// <summary>The repository root (holds <c>models/</c>); found by walking up from the working folder when not given.</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>Scales every measured period (1 = the documented run, ~5 minutes; 0.3 for a smoke run).</summary>
    public double TimeScale { get; set; } = 1.0;

    /// <summary>The execution provider for the grid and raw ORT: <c>cpu</c> or <c>cuda</c>.</summary>
    public ExecutionProviderKind Provider { get; set; } = ExecutionProviderKind.Cpu;

    /// <summary>Hidden width of the generated compute-heavier MLP.</summary>
    public int WideHidden { get; set; } = 3072;

    /// <summary>The grid's max_queue_delay_us for the batched wide models.</summary>
    public int MaxQueueDelayUs { get; set; } = 2000;

    /// <summary>Max batch sizes of the batch-size curve (the grid's <c>wide-b{n}</c> models).</summary>
    public int[] BatchSizes { get; set; } = [1, 2, 4, 8, 16, 32, 64, 128];

    /// <summary>The max batch size of the batched wide model in the throughput comparison.</summary>
    public int BatchedSize { get; set; } = 64;

    /// <summary>Only measure raw ONNX Runtime and print it (no servers, no files).</summary>
    public bool RawOnly { get; set; }

    public TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(Math.Max(0.5, seconds * TimeScale));

    public static SuiteOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SuiteOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"'{args[i]}' needs a value.");
            switch (args[i])
            {
                case "--out": options.OutputDirectory = Next(); break;
                case "--repo": options.RepositoryRoot = Next(); break;
                case "--time-scale": options.TimeScale = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--quick": options.TimeScale = 0.3; break;
                case "--raw-only": options.RawOnly = true; break;
                case "--wide-hidden": options.WideHidden = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--max-queue-delay-us": options.MaxQueueDelayUs = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--provider":
                    options.Provider = Next().ToLowerInvariant() switch
                    {
                        "cpu" => ExecutionProviderKind.Cpu,
                        "cuda" => ExecutionProviderKind.Cuda,
                        var other => throw new ArgumentException($"--provider must be cpu or cuda; got '{other}'."),
                    };
                    break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        return options;
    }
}
