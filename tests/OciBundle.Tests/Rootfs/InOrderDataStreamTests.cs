using OciBundle.Rootfs;

namespace OciBundle.Tests.Rootfs;

/// <summary>The tar writer's file data streams' base: read once, in order, never past the length it says.</summary>
public class InOrderDataStreamTests
{
    [Fact]
    public void Reads_in_order_up_to_its_length_and_asks_for_no_byte_past_it()
    {
        using var stream = new Counting(10);
        var buffer = new byte[4];
        var all = new List<byte>();
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            all.AddRange(buffer.Take(n));
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), all);
        Assert.Equal([(0L, 4), (4L, 4), (8L, 2)], stream.Asked); // the last request cut to what is left
        Assert.Equal(10, stream.Position);
        Assert.Equal(0, stream.Read(buffer, 0, buffer.Length));
        Assert.Equal(3, stream.Asked.Count); // none past the end
    }

    [Fact]
    public void Seekable_with_a_length_but_only_to_where_it_is()
    {
        using var stream = new Counting(10);
        Assert.True(stream.CanSeek);
        Assert.True(stream.CanRead);
        Assert.False(stream.CanWrite);
        Assert.Equal(10, stream.Length);
        Assert.Equal(0, stream.Seek(0, SeekOrigin.Begin));
        stream.ReadExactly(new byte[3]);
        Assert.Equal(3, stream.Seek(0, SeekOrigin.Current));
        Assert.Equal(3, stream.Seek(-7, SeekOrigin.End));
        stream.Position = 3;
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Position = 5);
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
    }

    [Fact]
    public void An_empty_read_asks_for_nothing()
    {
        using var stream = new Counting(5);
        Assert.Equal(0, stream.Read([], 0, 0));
        Assert.Empty(stream.Asked);
    }

    /// <summary>Gives byte i at position i, and notes what it was asked for.</summary>
    private sealed class Counting(long length) : InOrderDataStream(length)
    {
        public List<(long Position, int Length)> Asked { get; } = [];

        protected override int ReadNext(Span<byte> buffer, long position)
        {
            Asked.Add((position, buffer.Length));
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)(position + i);
            }

            return buffer.Length;
        }
    }
}
