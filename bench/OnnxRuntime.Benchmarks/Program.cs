using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OrleansInference.OnnxRuntime.Benchmarks;

// --quick: a short job (3 warm-up + 5 measured iterations) for a fast look; otherwise
// BenchmarkDotNet's default job. Both run in-process: the benchmark process is this one, built
// under the repository's analyzer settings, with the native ONNX Runtime library beside it.
var quick = args.Contains("--quick");
var forwarded = args.Where(a => a != "--quick").ToArray();
var job = quick
    ? Job.ShortRun.WithWarmupCount(3).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance)
    : Job.Default.WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance
    .AddJob(job.AsDefault())
    .AddColumn(new RowsPerSecondColumn());

BenchmarkSwitcher.FromAssembly(typeof(MlpRunBenchmarks).Assembly).Run(forwarded, config);
