using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

// In process: no project is generated and built per run, which keeps `./bench.sh` within minutes; the hot paths
// measured here do not depend on the process they run in. Short fixed iterations instead of BenchmarkDotNet's
// adaptive defaults (a minute per benchmark); `--quick` shortens them further at the cost of precision.
var quick = args.Contains("--quick");
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(quick ? 1 : 3)
    .WithIterationCount(quick ? 3 : 10)
    .WithIterationTime(TimeInterval.FromMilliseconds(quick ? 50 : 250));
var config = ManualConfig.CreateMinimumViable()
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(JsonExporter.Full, MarkdownExporter.GitHub);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. args.Where(arg => arg != "--quick")], config);
