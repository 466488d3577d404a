using System.Collections.ObjectModel;
using System.Drawing;
using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OrleansInference.Api.Tests.Batch;
using OrleansInference.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansInference.Api.Tests.Operator;

/// <summary>
/// The operator page in a real browser (headless Chromium through chromedriver) while predictions run in the
/// background: it loads only its own files and JSON, its request counter and throughput rise between polls, latency
/// percentiles appear, and the experiment and batch job are shown. Leaves a screenshot at
/// <c>{temp}/operator-page.png</c> (the one in docs/ came from here).
/// </summary>
public sealed class OperatorPageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string ChromeDriverPath = "/usr/bin/chromedriver";
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-operator-" + Guid.NewGuid().ToString("N"));
    private ApiServer? _server;
    private ChromeDriver? _driver;

    private ApiServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    private ChromeDriver Driver => _driver ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        var missing = new[] { ChromiumPath, ChromeDriverPath }.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The operator page's browser test needs headless Chromium and its driver, but {string.Join(" and ", missing)} is missing: "
                + "install the Debian packages with 'apt-get install -y chromium chromium-driver' (.ci/run installs them).");
        }

        Directory.CreateDirectory(Path.Combine(_root, "data"));
        _server = await ApiServer.StartAsync(settings: BatchServerFixture.Settings(_root));
        _driver = StartBrowser(Path.Combine(_root, "chromium"));
    }

    public async Task DisposeAsync()
    {
        _driver?.Quit();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        // Chromium's last child processes may still be closing files in its profile just after the driver quits.
        for (var attempt = 1; Directory.Exists(_root); attempt++)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(PollInterval);
            }
        }
    }

    [Fact]
    public async Task OperatorPage_UnderLoad_ShowsLiveNumbers()
    {
        var jobId = await OperatorTraffic.SetUpAsync(Server);
        await using var traffic = OperatorTraffic.Start(Server, senders: 2);
        var page = new Uri(Server.Address, "ui/");

        await Driver.Navigate().GoToUrlAsync(page.AbsoluteUri);
        var first = await WaitForAsync("a first poll with iris/1 requests counted", () =>
            Polls() >= 1 && Number("#models tr[data-version='iris/1'] td.requests") > 0 ? null : $"polls {Polls()}, iris requests '{Text("#models tr[data-version='iris/1'] td.requests")}'");
        var requestsBefore = Number("#total-requests")!.Value;
        var pollsBefore = Polls();

        await WaitForAsync("the request count and throughput rising, with latency percentiles", () =>
        {
            var requests = Number("#total-requests");
            var rps = Number("#total-rps");
            var p50 = Number("#models tr[data-version='iris/1'] td.p50");
            var p95 = Number("#models tr[data-version='iris/1'] td.p95");
            var p99 = Number("#models tr[data-version='iris/1'] td.p99");
            return Polls() >= pollsBefore + 2 && requests > requestsBefore && rps > 0 && p50 > 0 && p50 <= p95 && p95 <= p99
                ? null
                : $"polls {Polls()} (first {pollsBefore}), requests {requests} (first {requestsBefore}), req/s '{Text("#total-rps")}', iris p50/p95/p99 {p50}/{p95}/{p99}";
        });

        await WaitForAsync("the experiment's variants and the finished batch job", () =>
        {
            var variants = Script<long>($"return document.querySelectorAll(\"[data-experiment='{OperatorTraffic.ExperimentId}'] table.variants tbody tr\").length;");
            var job = Text($"#jobs tr[data-job='{jobId}'] .pill");
            return variants == 2 && job == "succeeded" ? null : $"{variants} variant rows, job state '{job}'";
        });

        // A few more polls, so the throughput chart and the trend lines have a history to draw.
        var pollsNow = Polls();
        await WaitForAsync("four more polls", () => Polls() >= pollsNow + 4 ? null : $"poll {Polls()}");
        Assert.True(Script<long>("return document.querySelectorAll('#throughput-chart polyline').length;") == 1, "The throughput chart has no line.");
        Assert.True(Script<bool>("return !document.getElementById('status').classList.contains('error');"), $"The page reports an error: '{Text("#status")}'.");
        Assert.Equal(new Uri(Server.Address, "dashboard/").AbsoluteUri, Script<string>("return document.getElementById('link-dashboard').href;"));
        AssertEverythingLoadedFrom(Server.Address);
        traffic.AssertNoFailures();
        output.WriteLine($"First read: {first}; requests {requestsBefore} at poll {pollsBefore}, then {Number("#total-requests")} at poll {Polls()}.");

        output.WriteLine($"Screenshot: {SaveScreenshot("operator-page.png")}");
    }

    private static ChromeDriver StartBrowser(string profile)
    {
        Directory.CreateDirectory(profile);
        // An explicit driver and browser: Selenium Manager resolves (and downloads) neither.
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--window-size=1600,1200",
            $"--user-data-dir={profile}");
        return new ChromeDriver(service, options, PageTimeout);
    }

    /// <summary>The whole page (the window grown to the document's height), as PNG in the temporary folder; returns its path.</summary>
    private string SaveScreenshot(string name)
    {
        var height = (int)Script<long>("return document.documentElement.scrollHeight;");
        Driver.Manage().Window.Size = new Size(1600, Math.Clamp(height + 140, 800, 4000));
        var path = Path.Combine(Path.GetTempPath(), name);
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Polls <paramref name="check"/> (null when satisfied, else what it saw) until it passes or the page times out.</summary>
    private async Task<string> WaitForAsync(string what, Func<string?> check)
    {
        var deadline = DateTime.UtcNow + PageTimeout;
        string? seen;
        while (true)
        {
            seen = check();
            if (seen is null)
            {
                return what;
            }

            if (DateTime.UtcNow >= deadline)
            {
                break;
            }

            await Task.Delay(PollInterval);
        }

        var screenshot = SaveScreenshot("operator-page-failed.png");
        Assert.Fail($"The operator page at {Driver.Url} did not show {what} within {PageTimeout.TotalSeconds} s; last seen: {seen}. Status line: '{Text("#status")}'. Screenshot: {screenshot}.");
        return what;
    }

    /// <summary>Every load of the page (document, script, style, polls) answered 200 and came from the server itself.</summary>
    private void AssertEverythingLoadedFrom(Uri server)
    {
        var entries = Script<ReadOnlyCollection<object>>(
            "return performance.getEntries().filter(e => e.entryType === 'navigation' || e.entryType === 'resource').map(e => e.responseStatus + ' ' + e.name);")
            .Cast<string>()
            .ToList();
        var listed = string.Join(", ", entries);
        Assert.Contains(entries, e => e == $"200 {server.AbsoluteUri}ui/operator.js");
        Assert.Contains(entries, e => e == $"200 {server.AbsoluteUri}ui/operator.css");
        Assert.Contains(entries, e => e == $"200 {server.AbsoluteUri}ui/api/overview");
        Assert.Contains(entries, e => e == $"200 {server.AbsoluteUri}metrics");
        Assert.All(entries, e => Assert.True(e.StartsWith($"200 {server.AbsoluteUri}", StringComparison.Ordinal), $"Expected every load to be a 200 from {server}; got '{e}' among [{listed}]."));
    }

    private int Polls() => int.TryParse(Script<string>("return document.body.dataset.polls || '0';"), out var polls) ? polls : 0;

    private string Text(string selector) => Script<string>("return document.querySelector(arguments[0])?.textContent.trim() ?? '';", selector);

    /// <summary>The number an element shows (its <c>data-value</c>, else its text without separators); null when it shows none.</summary>
    private double? Number(string selector)
    {
        var text = Script<string>("const e = document.querySelector(arguments[0]); return e ? (e.dataset.value ?? e.textContent) : '';", selector);
        return double.TryParse(text.Replace(",", string.Empty, StringComparison.Ordinal).Replace(" ms", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    private T Script<T>(string script, params object[] args) => (T)Driver.ExecuteScript(script, args)!;
}
