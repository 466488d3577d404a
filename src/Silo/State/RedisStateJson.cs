using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansInference.Silo.State;

/// <summary>How the Redis stores write their values: web JSON with enums by name, readable with <c>redis-cli</c>.</summary>
internal static class RedisStateJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidDataException($"The state store holds an empty {typeof(T).Name}.");
}
