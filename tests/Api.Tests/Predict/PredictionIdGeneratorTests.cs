using Microsoft.Extensions.Time.Testing;
using OrleansInference.Api.Predict;

namespace OrleansInference.Api.Tests.Predict;

public sealed class PredictionIdGeneratorTests
{
    [Fact]
    public void Ids_are_version_7_uuids_stamped_with_the_current_millisecond_and_never_repeat()
    {
        var now = new DateTimeOffset(2026, 12, 3, 8, 30, 15, 123, TimeSpan.Zero);
        var time = new FakeTimeProvider(now);
        var generator = new PredictionIdGenerator(time);
        var seen = new HashSet<Guid>();

        // More ids than one draw of random bytes holds, so the generator refills on the way.
        for (var i = 0; i < 5_000; i++)
        {
            var id = generator.NewId();
            Assert.True(seen.Add(id), $"Id {id} repeated after {i} ids.");
            Assert.Equal(7, id.Version);
            Assert.Equal(0b10, id.Variant >> 2);
            var text = id.ToString("N");
            Assert.Equal(now.ToUnixTimeMilliseconds(), Convert.ToInt64(text[..12], 16));
        }

        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(now.ToUnixTimeMilliseconds() + 5, Convert.ToInt64(generator.NewId().ToString("N")[..12], 16));
    }

    [Fact]
    public void Random_bits_differ_between_generators()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));

        Assert.NotEqual(new PredictionIdGenerator(time).NewId(), new PredictionIdGenerator(time).NewId());
    }
}
