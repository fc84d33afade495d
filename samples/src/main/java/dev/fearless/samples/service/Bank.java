package dev.fearless.samples.service;

import dev.fearless.handle.Shared;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Accounts and transfers. Each balance is a {@code Long} in a {@link Shared} handle, reachable only
 * while the handle's lock is held; a transfer replaces both balances together through
 * {@link Shared#update(Shared, Shared, Shared.PairFunction)}, which takes both locks through the
 * multi-lock (so two opposite transfers between the same accounts cannot deadlock) and returns the
 * transfer's receipt; an overdraft is refused by throwing the checked
 * {@link InsufficientFundsException} from inside, which poisons nothing. The total holds every
 * handle at once ({@link Shared#updateAll}), so it sees no transfer half done and never changes.
 */
final class Bank {

    /** The request names an account that does not exist. */
    static final class UnknownAccountException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownAccountException(String id) {
            super("unknown account: " + id);
        }
    }

    /** The source account holds less than the amount. */
    static final class InsufficientFundsException extends Exception {
        private static final long serialVersionUID = 1L;

        InsufficientFundsException(String id, long balance, long amount) {
            super("insufficient funds: account " + id + " holds " + balance + ", transfer needs " + amount);
        }
    }

    record Transfer(String from, long fromBalance, String to, long toBalance, long amount) {}

    record Total(long total, int accounts) {}

    private final Map<String, Shared<Long>> accounts;   // immutable after construction
    private final List<Shared<Long>> all;

    Bank(int count, long initialBalance) {
        if (count < 2) {
            throw new IllegalArgumentException("count must be at least 2: " + count);
        }
        Map<String, Shared<Long>> map = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            String id = "acc-" + i;
            map.put(id, Shared.builder().name("account-" + id).lockClass("Account").build(initialBalance));
        }
        this.accounts = Collections.unmodifiableMap(map);
        this.all = List.copyOf(map.values());
    }

    List<String> ids() {
        return List.copyOf(accounts.keySet());
    }

    /**
     * Moves {@code amount} from one account to another, or changes nothing.
     *
     * @throws IllegalArgumentException if the amount is not positive or the accounts are the same
     */
    Transfer transfer(String fromId, String toId, long amount)
            throws UnknownAccountException, InsufficientFundsException {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        Shared<Long> from = account(fromId);
        Shared<Long> to = account(toId);
        if (from == to) {
            throw new IllegalArgumentException("from and to must be different accounts: " + fromId);
        }
        return Shared.update(from, to, (a, b) -> {      // both locks, any order: the multi-lock orders them
            if (a.get() < amount) {
                throw new InsufficientFundsException(fromId, a.get(), amount);   // checked: refused, not poisoned
            }
            a.set(a.get() - amount);
            b.set(b.get() + amount);
            journal();                                   // the write-ahead record, under both locks
            return new Transfer(fromId, a.get(), toId, b.get(), amount);
        });
    }

    OptionalLong balance(String id) {
        Shared<Long> account = accounts.get(id);
        return account == null ? OptionalLong.empty() : OptionalLong.of(account.read(b -> b));
    }

    /** The sum of every balance, taken under every account's lock at once: a consistent snapshot. */
    Total total() {
        long sum = Shared.updateAll(all, balances -> balances.stream().mapToLong(Long::longValue).sum());
        return new Total(sum, all.size());
    }

    /** Stands for writing the transfer to a journal: a short blocking write while both locks are held. */
    private static void journal() {
        try {
            Thread.sleep(0, 200_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(800_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();              // the transfer is done; keep the flag for the caller
        }
    }

    /** For tests: an account's handle, to hold its lock; {@code null} if there is no such account. */
    Shared<Long> handle(String id) {
        return accounts.get(id);
    }

    private Shared<Long> account(String id) throws UnknownAccountException {
        Shared<Long> account = accounts.get(id);
        if (account == null) {
            throw new UnknownAccountException(id);
        }
        return account;
    }
}
