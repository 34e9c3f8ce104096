import Commands

await Ctr.execute()
