# Starts the commands the lab's Node process asks for, so that the Node process never forks
# (softhsm/commands/command-runner.ts says why). Perl-base is on every Debian machine.
#
# Asked on stdin: "<bytes>\n" then that many bytes, NUL-separated: id, folder ('' for this one),
# stdin file, stdout file, stderr file, the number of environment entries, the entries
# (NAME=value), then the command and its arguments. Answered on stdout: "<id> <status> <cpu>\n",
# the status being the exit code, 128 + the signal's number, or 127 when the command cannot
# start, and cpu the seconds of CPU this process and every command it has reaped used so far.
use strict;
use warnings;
use POSIX qw(:sys_wait_h :signal_h);

$| = 1;
# The folder of the commands' files, cleared when the Node process's end closes this one's stdin.
my $folder = $ARGV[0];
my (%idOf, %endedEarly);
my $sigchld = POSIX::SigSet->new(SIGCHLD);

sub told {
  my ($pid, $wait) = @_;
  my $id = delete $idOf{$pid};
  if (!defined $id) {
    $endedEarly{$pid} = $wait;
    return;
  }
  my $status = ($wait & 127) ? 128 + ($wait & 127) : $wait >> 8;
  my ($user, $system, $childrenUser, $childrenSystem) = times;
  print "$id $status " . ($user + $system + $childrenUser + $childrenSystem) . "\n";
}

$SIG{CHLD} = sub {
  while ((my $pid = waitpid(-1, WNOHANG)) > 0) { told($pid, $?); }
};

# Read with sysread and an own buffer: SIGCHLD interrupts reads, and a buffered readline cut short
# by it can hand back part of a line, which would put every later job out of step.
my $buffer = '';

sub more {
  while (1) {
    my $got = sysread(STDIN, $buffer, 65536, length $buffer);
    return $got > 0 if defined $got;
    return 0 if $! != POSIX::EINTR();
  }
}

sub nextJob {
  my $end;
  while (($end = index($buffer, "\n")) < 0) { return undef if !more(); }
  my $size = substr($buffer, 0, $end);
  while (length($buffer) < $end + 1 + $size) { return undef if !more(); }
  my $job = substr($buffer, $end + 1, $size);
  substr($buffer, 0, $end + 1 + $size) = '';
  return $job;
}

while (defined(my $job = nextJob())) {
  my @fields = split /\0/, $job, -1;
  my ($id, $cwd, $in, $out, $err, $entries) = splice @fields, 0, 6;
  my %environment = map { split /=/, $_, 2 } splice @fields, 0, $entries;
  my @command = @fields;
  # The pid is recorded before SIGCHLD can tell its end.
  sigprocmask(SIG_BLOCK, $sigchld);
  my $pid = fork;
  if (!defined $pid) {
    print "$id 127 0\n";
  } elsif ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT';
    sigprocmask(SIG_UNBLOCK, $sigchld);
    open(STDIN, '<', $in) or POSIX::_exit(127);
    open(STDOUT, '>', $out) or POSIX::_exit(127);
    open(STDERR, '>', $err) or POSIX::_exit(127);
    if ($cwd ne '' && !chdir $cwd) {
      print STDERR "$cwd: $!\n";
      POSIX::_exit(127);
    }
    %ENV = %environment;
    { no warnings 'exec'; exec { $command[0] } @command; }
    print STDERR "$command[0]: $!\n";
    POSIX::_exit(127);
  } else {
    $idOf{$pid} = $id;
    told($pid, delete $endedEarly{$pid}) if exists $endedEarly{$pid};
  }
  sigprocmask(SIG_UNBLOCK, $sigchld);
}

if (defined $folder && $folder ne '' && opendir(my $entries, $folder)) {
  unlink map { "$folder/$_" } grep { !/^\.\.?$/ } readdir $entries;
  closedir $entries;
  rmdir $folder;
}
