#!/usr/bin/perl
# trap_server.pl — a TEST HELPER, not a server: hostile replies on loopback for
# the probes' tests. Usage: trap_server.pl MODE PORTFILE
# Listens on 127.0.0.1 (a free port, written to PORTFILE), serves at most 40
# connections, each in its own child, and every loop is bounded (64 MiB sent,
# 400 drip bytes), so nothing outlives the test for long.
#   redis-flood  "$2000000000" then data as fast as the client reads
#   redis-drip   "$2000000000" then one byte every 20 ms
#   redis-array  "*2000000000" then one byte every 20 ms
#   redis-split  "*20000", a pause, "00000\r\n" (the header in two reads)
#   pg-flood     SSL refused, AuthenticationOk, then an ErrorResponse that
#                declares 2 GB, then data as fast as the client reads
#   pg-flood-100m  the same with an error "of 100 MiB" (libpq can allocate it:
#                the probe's own byte cap must stop it)
#   http-endless 200 with no length, then an endless body
#   http-length  200 declaring Content-Length: 2000000000
#   http-redirect  /same... -> 302 to /ok on this host; /ok -> 200 "ok";
#                  anything else -> 307 to the same path on 127.0.0.2
use strict;
use warnings;
use IO::Socket::INET;

my ($mode, $portfile) = @ARGV;
die "usage: $0 MODE PORTFILE\n" unless $portfile;
my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 16,
                                ReuseAddr => 1, Proto => 'tcp') or die "listen: $!\n";
my $port = $srv->sockport;
open(my $pf, '>', "$portfile.tmp") or die; print $pf "$port\n"; close $pf;
rename "$portfile.tmp", $portfile;
$SIG{CHLD} = 'IGNORE';
$SIG{PIPE} = 'IGNORE';

sub flood {
    my ($c) = @_;
    my $chunk = 'x' x 65536;
    for (1 .. 1024) { last unless defined syswrite($c, $chunk); }
}

sub drip {
    my ($c) = @_;
    for (1 .. 400) { last unless defined syswrite($c, 'x'); select(undef, undef, undef, 0.02); }
}

sub read_some { my ($c) = @_; my $b = ''; sysread($c, $b, 65536); return $b; }

sub read_n {
    my ($c, $n) = @_;
    my $b = '';
    while (length($b) < $n) { my $r = sysread($c, $b, $n - length($b), length($b)); return undef unless $r; }
    return $b;
}

sub pg {
    my ($c) = @_;
    my $len = unpack('N', read_n($c, 4) // return);
    my $body = read_n($c, $len - 4) // return;
    if ($len == 8 && unpack('N', $body) == 80877103) {    # SSLRequest, GSSENCRequest
        syswrite($c, 'N');
        $len = unpack('N', read_n($c, 4) // return);
        read_n($c, $len - 4) // return;
    }
    syswrite($c, 'R' . pack('NN', 8, 0));                 # AuthenticationOk
    syswrite($c, 'E' . pack('N', $mode eq 'pg-flood-100m' ? 100 << 20 : 0x7ffffff0));
    flood($c);
}

sub http {
    my ($c) = @_;
    my $req = '';
    while ($req !~ /\r\n\r\n/) { my $r = sysread($c, $req, 4096, length $req); return unless $r; }
    my ($path) = $req =~ m{^GET (\S+)};
    $path //= '/';
    if ($mode eq 'http-endless') {
        syswrite($c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
        flood($c);
    } elsif ($mode eq 'http-length') {
        syswrite($c, "HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\n\r\n");
        flood($c);
    } elsif ($path =~ m{^/same}) {
        syswrite($c, "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:$port/ok\r\nContent-Length: 0\r\n\r\n");
    } elsif ($path eq '/ok') {
        syswrite($c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
    } else {
        syswrite($c, "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.2:$port$path\r\n"
                   . "Content-Length: 0\r\n\r\n");
    }
}

for (1 .. 40) {
    my $c = $srv->accept or next;
    my $pid = fork;
    if (defined $pid && $pid == 0) {
        close $srv;
        if ($mode =~ /^redis-(\w+)/) {
            read_some($c);
            if ($1 eq 'split') { syswrite($c, '*20000'); select(undef, undef, undef, 0.2); syswrite($c, "00000\r\n"); }
            else { syswrite($c, $1 eq 'array' ? "*2000000000\r\n" : "\$2000000000\r\n"); }
            $1 eq 'flood' ? flood($c) : drip($c);
        } elsif ($mode =~ /^pg-flood/) {
            pg($c);
        } else {
            http($c);
        }
        exit 0;
    }
    close $c;
}
