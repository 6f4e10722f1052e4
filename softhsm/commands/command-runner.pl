# Starts the commands the lab's Node process asks for, so that the Node process never forks
# (softhsm/commands/command-runner.ts says why). Perl-base is on every Debian machine.
#
# Asked on stdin: "<bytes>\n" then that many bytes, NUL-separated: id, folder, stdin file, stdout
# file, stderr file, the number of environment entries, the entries (NAME=value), then the command
# and its arguments. Answered on stdout: "<id> <status> <cpu>\n", the status being the exit code,
# 128 + the signal's number, or 127 when the command cannot start, and cpu the seconds of CPU this
# process and every command it has reaped used so far.
#
# Ended commands are reaped here, in the loop, never in a signal handler: the handler only cuts a
# wait short. A child that ends just before the loop starts waiting would not cut it short, so
# while commands run the wait is bounded (50 ms) and the loop looks again.
use strict;
use warnings;
use POSIX qw(:sys_wait_h);

$| = 1;
# The folder of the commands' files, cleared when the Node process's end closes this one's stdin.
my $folder = $ARGV[0];
my %idOf;
my $buffer = '';

$SIG{CHLD} = sub { };
# A Node process gone mid-answer: end here and clear the folder, not die of SIGPIPE.
$SIG{PIPE} = 'IGNORE';

sub reap {
  while ((my $pid = waitpid(-1, WNOHANG)) > 0) {
    my $id = delete $idOf{$pid};
    next if !defined $id;
    my $status = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
    my ($user, $system, $childrenUser, $childrenSystem) = times;
    return 0 if !print "$id $status " . ($user + $system + $childrenUser + $childrenSystem) . "\n";
  }
  return 1;
}

# The next whole job in the buffer, taken out of it; undef until one has come whole.
sub takeJob {
  my $end = index($buffer, "\n");
  return undef if $end < 0;
  my $size = substr($buffer, 0, $end);
  return undef if length($buffer) < $end + 1 + $size;
  my $job = substr($buffer, $end + 1, $size);
  substr($buffer, 0, $end + 1 + $size) = '';
  return $job;
}

sub start {
  my @fields = split /\0/, shift, -1;
  my ($id, $cwd, $in, $out, $err, $entries) = splice @fields, 0, 6;
  my %environment = map { split /=/, $_, 2 } splice @fields, 0, $entries;
  my @command = @fields;
  my $pid = fork;
  if (!defined $pid) {
    print "$id 127 0\n";
    return;
  }
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT';
    $SIG{PIPE} = 'DEFAULT';
    open(STDIN, '<', $in) or POSIX::_exit(127);
    open(STDOUT, '>', $out) or POSIX::_exit(127);
    open(STDERR, '>', $err) or POSIX::_exit(127);
    if (!chdir $cwd) {
      print STDERR "$cwd: $!\n";
      POSIX::_exit(127);
    }
    %ENV = %environment;
    { no warnings 'exec'; exec { $command[0] } @command; }
    print STDERR "$command[0]: $!\n";
    POSIX::_exit(127);
  }
  # Recorded before the loop reaps again: the loop alone reaps.
  $idOf{$pid} = $id;
}

while (reap()) {
  my $wanted = '';
  vec($wanted, fileno(STDIN), 1) = 1;
  my $ready = select(my $readable = $wanted, undef, undef, %idOf ? 0.05 : undef);
  # A timeout, or SIGCHLD cutting the wait short: reap and wait again.
  next if $ready <= 0;
  my $got = sysread(STDIN, $buffer, 65536, length $buffer);
  next if !defined $got && $!{EINTR};
  last if !$got;
  while (defined(my $job = takeJob())) { start($job); }
}

if (defined $folder && $folder ne '' && opendir(my $entries, $folder)) {
  unlink map { "$folder/$_" } grep { !/^\.\.?$/ } readdir $entries;
  closedir $entries;
  rmdir $folder;
}
