using System.Collections.ObjectModel;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium.Chrome;
using Orleans.Runtime;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Dashboard;

/// <summary>
/// The Orleans dashboard in a real browser (headless Chromium driven through chromedriver): the page, its scripts and
/// the JSON it polls load under <c>/dashboard/</c>, and it shows this silo and the grid's live grain activations.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string ChromeDriverPath = "/usr/bin/chromedriver";
    private const string PredictBody = """{"model": "iris", "features": [[5.1, 3.5, 1.4, 0.2]]}""";
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _profile = Path.Combine(Path.GetTempPath(), "oi-chromium-" + Guid.NewGuid().ToString("N"));
    private ApiServer? _server;
    private ChromeDriver? _driver;

    private ApiServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    private ChromeDriver Driver => _driver ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        var missing = new[] { (Path: ChromiumPath, Package: "chromium"), (Path: ChromeDriverPath, Package: "chromium-driver") }
            .Where(p => !File.Exists(p.Path))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The dashboard browser tests need headless Chromium and its driver, but {string.Join(" and ", missing.Select(m => m.Path))} "
                + $"{(missing.Count == 1 ? "is" : "are")} missing: install the Debian packages with 'apt-get install -y chromium chromium-driver' "
                + "(.ci/run installs them).");
        }

        _server = await ApiServer.StartAsync();
        _driver = StartBrowser(_profile);
    }

    public async Task DisposeAsync()
    {
        _driver?.Quit();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await DeleteProfileAsync();
    }

    [Fact]
    public async Task Dashboard_InBrowser_ShowsSiloAndGridGrainActivations()
    {
        for (var i = 0; i < 3; i++)
        {
            using var predict = await Server.Client.PostAsync("api/v1/predict", new StringContent(PredictBody, Encoding.UTF8, "application/json"));
            Assert.True(predict.StatusCode == HttpStatusCode.OK, $"Predict {i + 1}: expected 200, got {(int)predict.StatusCode}: {await predict.Content.ReadAsStringAsync()}");
        }

        var dashboard = new Uri(Server.Address, "dashboard/");
        var silo = Server.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();

        await Driver.Navigate().GoToUrlAsync(dashboard.AbsoluteUri);
        await WaitForAsync("the overview with one active silo", () => InfoBox("Active Silos") switch
        {
            "1" => null,
            var shown => $"'Active Silos' shows '{shown}'",
        });

        // The overview polls ClusterStats on its own timer; a fast run would leave the page before the first poll.
        await WaitForAsync("the overview's first ClusterStats poll", () => ResourceEntries().Any(e => e.Contains("/dashboard/ClusterStats", StringComparison.Ordinal))
            ? null
            : $"loads: [{string.Join(", ", ResourceEntries())}]");

        await Driver.Navigate().GoToUrlAsync(dashboard.AbsoluteUri + "#/grains");
        await WaitForAsync("live activations of the grid's grain types on the grains page", () =>
        {
            var activations = GrainActivations();
            var absent = new[] { "OrleansInference.Grains.Models.ModelGrain", "OrleansInference.Grains.Models.ModelVersionGrain" }
                .Where(type => !activations.TryGetValue(type, out var count) || count < 1)
                .ToList();
            return absent.Count == 0 ? null : $"no activations of {string.Join(", ", absent)}; rows: [{string.Join(", ", activations.Select(a => $"{a.Key}={a.Value}"))}]";
        });

        await Driver.Navigate().GoToUrlAsync(dashboard.AbsoluteUri + "#/silos");
        await WaitForAsync($"silo {silo} listed as active on the silos page", () =>
        {
            var rows = SiloRows();
            return rows.Contains($"{silo} Active") ? null : $"silo rows: [{string.Join(", ", rows)}]";
        });

        AssertEverythingLoadedUnder(dashboard);
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
            "--window-size=1400,1000",
            $"--user-data-dir={profile}");
        return new ChromeDriver(service, options, PageTimeout);
    }

    /// <summary>
    /// Deletes the browser's profile folder. Chromium's last child processes may still be closing files in it just after
    /// the driver quits, so a failed delete is retried a few times.
    /// </summary>
    private async Task DeleteProfileAsync()
    {
        for (var attempt = 1; Directory.Exists(_profile); attempt++)
        {
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(PollInterval);
            }
        }
    }

    /// <summary>Polls <paramref name="check"/> (null when satisfied, else what it saw) until it passes or the page times out.</summary>
    private async Task WaitForAsync(string what, Func<string?> check)
    {
        var deadline = DateTime.UtcNow + PageTimeout;
        string? seen;
        while (true)
        {
            seen = check();
            if (seen is null)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                break;
            }

            await Task.Delay(PollInterval);
        }

        var error = Script<string>("return document.getElementById('error-message-content')?.innerText ?? '';");
        Assert.Fail($"The dashboard at {Driver.Url} did not show {what} within {PageTimeout.TotalSeconds} s; last seen: {seen}. Error banner: '{error}'.");
    }

    /// <summary>The number an overview info box shows, by its label.</summary>
    private string InfoBox(string label) => Script<string>(
        """
        const box = [...document.querySelectorAll('.info-box-content')].find(b => b.querySelector('.info-box-text')?.textContent.trim() === arguments[0]);
        return box?.querySelector('.info-box-number')?.textContent.trim() ?? '';
        """,
        label);

    /// <summary>The grains page's table: full grain type name to the activation count it shows.</summary>
    private Dictionary<string, int> GrainActivations()
    {
        var rows = Script<ReadOnlyCollection<object>>(
            """
            return [...document.querySelectorAll('#content table tr')]
                .filter(row => row.querySelector('td[title]'))
                .map(row => row.querySelector('td[title]').title + '=' + (row.querySelector('td:nth-child(3) strong')?.textContent.trim() ?? ''));
            """);
        var activations = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows.Cast<string>())
        {
            var split = row.LastIndexOf('=');
            activations[row[..split]] = int.TryParse(row[(split + 1)..], out var count) ? count : -1;
        }

        return activations;
    }

    /// <summary>The silos page's health table: "address status" per silo.</summary>
    private List<string> SiloRows() => Script<ReadOnlyCollection<object>>(
        """
        return [...document.querySelectorAll('#content table tr')]
            .filter(row => row.querySelector('td a[href^="#/host/"]') && row.querySelector('td .label'))
            .map(row => row.querySelector('td a').textContent.trim() + ' ' + row.querySelector('td .label').textContent.trim());
        """).Cast<string>().ToList();

    /// <summary>
    /// The document, its scripts and styles, and the JSON the page polled all came from under the dashboard's prefix with
    /// status 200 (the browser's resource timing entries).
    /// </summary>
    private void AssertEverythingLoadedUnder(Uri dashboard)
    {
        var entries = ResourceEntries();
        var listed = string.Join(", ", entries);
        Assert.Contains(entries, e => e == $"200 {dashboard.AbsoluteUri}index.min.js");
        Assert.Contains(entries, e => e == $"200 {dashboard.AbsoluteUri}index.css");
        Assert.Contains(entries, e => e.StartsWith($"200 {dashboard.AbsoluteUri}DashboardCounters", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.StartsWith($"200 {dashboard.AbsoluteUri}ClusterStats", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.True(e.StartsWith($"200 {dashboard.AbsoluteUri}", StringComparison.Ordinal), $"Expected every load to be a 200 under {dashboard}; got '{e}' among [{listed}]."));
    }

    /// <summary>"status url" of the document and every resource the page loaded (the browser's resource timing entries).</summary>
    private List<string> ResourceEntries() =>
        Script<ReadOnlyCollection<object>>(
            "return performance.getEntries().filter(e => e.entryType === 'navigation' || e.entryType === 'resource').map(e => e.responseStatus + ' ' + e.name);")
            .Cast<string>()
            .ToList();

    private T Script<T>(string script, params object[] args) => (T)Driver.ExecuteScript(script, args)!;
}
