using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansInference.Api.Tests.Experiments;

/// <summary>Small HTTP helpers for the experiment tests.</summary>
internal static class ExperimentHttp
{
    /// <summary>A benign-looking breast-cancer row (named features; the rest take the training mean).</summary>
    public const string BreastCancerFeatures =
        """{"mean radius": 13.5, "mean texture": 14.4, "mean perimeter": 87.5, "mean area": 566.3, "worst radius": 15.1, "worst texture": 19.3, "worst perimeter": 99.7, "worst area": 711.2}""";

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static async Task<JsonNode> SendAsync(HttpClient client, HttpMethod method, string path, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static Task<JsonNode> PostAsync(HttpClient client, string path, string body, HttpStatusCode expected = HttpStatusCode.OK) =>
        SendAsync(client, HttpMethod.Post, path, body, expected);

    public static Task<JsonNode> GetAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK) =>
        SendAsync(client, HttpMethod.Get, path, null, expected);

    public static string PredictBody(string model, string user) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"model": "{{model}}", "user_id": "{{user}}", "features": {{BreastCancerFeatures}}}""");

    /// <summary>Polls <paramref name="condition"/> until it holds or the timeout passes (for asynchronous shadow work).</summary>
    public static async Task<JsonNode> WaitForAsync(Func<Task<JsonNode>> read, Func<JsonNode, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for {what}; last value: {value.ToJsonString()}");
            }

            await Task.Delay(50);
        }
    }
}
