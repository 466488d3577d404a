using System.Text;

namespace OrleansInference.Api.Tests.Fuzz;

/// <summary>
/// Turns a seed into a mutated request, deterministically from a <see cref="Random"/>: bytes flipped, cut, inserted or
/// repeated; strings that are not text; values swapped for other JSON types, huge numbers or deep nesting; odd
/// content types, declared lengths and headers.
/// </summary>
internal static class FuzzRequestFactory
{
    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "text/plain", "application/xml",
        "application/octet-stream", "multipart/form-data", "multipart/form-data; boundary=zz", "application/x-www-form-urlencoded",
        "application/grpc", "*/*", "application/json; boundary=", "",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "-1", "0", "1e309", "-1e309", "99999999999999999999999999", "9223372036854775807", "-9223372036854775808",
        "\"\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "[]", "{}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "\"../../../../etc/passwd\"", "\"/etc/passwd\"", "\"http://127.0.0.1:1/x\"", "[1e38, 1e38, 1e38, 1e38]", "[NaN]", "\"\\u0000\"",
        "[4294967296, 4294967296]", "[-1, 4]", "[0, 4]", "{\"a\": {\"b\": {\"c\": {}}}}",
    ];

    private static readonly (string Name, string[] Values)[] Headers =
    [
        ("Inference-Header-Content-Length", ["0", "-1", "99999999999", "abc", "4", "18446744073709551616"]),
        ("Idempotency-Key", ["", "k", new string('k', 5000), "%C3%A9", "../x"]),
        ("Content-Encoding", ["gzip", "br", "identity", "x"]),
        ("Accept", ["application/xml", "*/*", "text/html", ""]),
        ("X-API-Key", ["", "nope"]),
        ("Authorization", ["Bearer", "Bearer x", "Basic Zm9v"]),
        ("Transfer-Encoding", ["chunked"]),
        ("Expect", ["100-continue"]),
    ];

    public static HttpRequestMessage Create(FuzzSeed seed, Random random, out string description)
    {
        var body = seed.Body is null ? null : Mutate(Encoding.UTF8.GetBytes(seed.Body), random);
        description = body is null ? "no body" : DescribeBody(body);
        var request = new HttpRequestMessage(seed.Method, seed.Path);
        if (body is not null || random.Next(8) == 0)
        {
            var content = new ByteArrayContent(body ?? Encoding.UTF8.GetBytes(Values[random.Next(Values.Length)]));
            var type = random.Next(4) == 0 ? ContentTypes[random.Next(ContentTypes.Length)] : "application/json";
            if (type.Length > 0)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", type);
            }

            request.Content = content;
            description += $", Content-Type '{type}'";
        }

        for (var i = random.Next(3); i > 0; i--)
        {
            var (name, values) = Headers[random.Next(Headers.Length)];
            var value = values[random.Next(values.Length)];
            if (name == "Transfer-Encoding")
            {
                request.Headers.TransferEncodingChunked = request.Content is not null;
            }
            else if (name == "Inference-Header-Content-Length" && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (name == "Content-Encoding" && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            description += $", {name}: {(value.Length > 20 ? value[..20] + "..." : value)}";
        }

        return request;
    }

    private static byte[] Mutate(byte[] body, Random random)
    {
        var bytes = new List<byte>(body);
        for (var n = 1 + random.Next(3); n > 0; n--)
        {
            switch (random.Next(9))
            {
                case 0 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 0:
                    var from = random.Next(bytes.Count);
                    bytes.RemoveRange(from, Math.Min(bytes.Count - from, 1 + random.Next(8)));
                    break;
                case 2 when bytes.Count > 0:
                    bytes = bytes.Take(random.Next(bytes.Count)).ToList();
                    break;
                case 3:
                    bytes.InsertRange(random.Next(bytes.Count + 1), [0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80]);
                    break;
                case 4:
                    bytes = ReplaceValue(bytes, random);
                    break;
                case 5:
                    bytes = ReplaceValue(bytes, random);
                    break;
                case 6 when bytes.Count > 0:
                    var start = random.Next(bytes.Count);
                    var slice = bytes.Skip(start).Take(1 + random.Next(32)).ToArray();
                    for (var r = random.Next(1, 64); r > 0; r--)
                    {
                        bytes.InsertRange(start, slice);
                    }

                    break;
                case 7:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                default:
                    bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString([.. bytes]).Replace("\"", "\"\\ud83d", StringComparison.Ordinal)).ToList();
                    break;
            }
        }

        return [.. bytes];
    }

    // Swaps the value after a random ':' or ',' or '[' for another JSON value of any type.
    private static List<byte> ReplaceValue(List<byte> bytes, Random random)
    {
        var text = Encoding.UTF8.GetString([.. bytes]);
        var anchors = Enumerable.Range(0, text.Length).Where(i => text[i] is ':' or '[' or ',').ToArray();
        if (anchors.Length == 0)
        {
            return bytes;
        }

        var at = anchors[random.Next(anchors.Length)] + 1;
        var end = at;
        while (end < text.Length && text[end] is not (',' or '}' or ']'))
        {
            end++;
        }

        return Encoding.UTF8.GetBytes(text[..at] + Values[random.Next(Values.Length)] + text[end..]).ToList();
    }

    private static string DescribeBody(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)));
        return $"body ({body.Length} bytes) {text}";
    }
}
